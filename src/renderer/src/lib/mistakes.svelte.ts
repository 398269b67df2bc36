// The Dataset place's marks: which test digits the active model gets wrong, and what it reads them as. From
// the same evaluation as the Model place (one model:evaluate per model), asked again when the model changes.
import { Latest } from './latest';
import type { StudioState } from './studio.svelte';

export class MistakeMarks {
  /** Whether the grid marks the mistakes. */
  on = $state(false);
  loading = $state(false);
  /** Test index → the digit the model read, for every digit it gets wrong; null until evaluated. */
  marks = $state.raw<Map<number, number> | null>(null);
  /** Test index → its true label, for the same digits (for the label filter on mistakes only). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- $state.raw: replaced whole, never mutated
  labels = $state.raw<ReadonlyMap<number, number>>(new Map());
  /** Drops the event subscription. */
  readonly dispose: () => void;
  #latest = new Latest();

  constructor(private readonly studio: StudioState) {
    // Another model makes other mistakes: the old marks go at once, the new ones follow when asked for.
    this.dispose = studio.api.on('model:changed', () => {
      this.marks = null;
      if (this.on) void this.load();
    });
  }

  async toggle(): Promise<void> {
    this.on = !this.on;
    if (this.on && !this.marks) await this.load();
  }

  async load(): Promise<void> {
    const mine = this.#latest.next();
    this.loading = true;
    const evaluation = await this.studio.attempt(() => this.studio.evaluateActive());
    if (!this.#latest.isCurrent(mine)) return;
    this.loading = false;
    if (!evaluation) return;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- $state.raw: replaced whole, never mutated
    this.labels = new Map(evaluation.errors.map((e) => [e.index, e.label]));
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- $state.raw: replaced whole, never mutated
    this.marks = new Map(evaluation.errors.map((e) => [e.index, e.predicted]));
  }
}
