// The Dataset place's marks: which digits of the test split, or of a data set, the active model gets wrong, and
// what it reads them as. From the same evaluation as the Model place (one per model and source), asked again
// when the model changes or another data set is shown.
import { setOf, type Source } from '../../../shared/datasets';
import type { ModelEvaluation } from '../../../shared/contract';
import { Latest } from './latest';
import type { StudioState } from './studio.svelte';

/** Whether the marks can cover `source`: the evaluation covers the test split and data sets, not the training split. */
export const markable = (source: Source) => source !== 'train';

export class MistakeMarks {
  /** Whether the grid marks the mistakes. */
  on = $state(false);
  loading = $state(false);
  /** The source the marks are of. */
  source = $state<Source>('test');
  /** Index → the digit the model read, for every digit it gets wrong; null until evaluated. */
  marks = $state.raw<Map<number, number> | null>(null);
  /** Index → its true label, for the same digits (for the label filter on mistakes only). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- $state.raw: replaced whole, never mutated
  labels = $state.raw<ReadonlyMap<number, number>>(new Map());
  /** How many samples the evaluation covered. */
  count = $state(0);
  /** Drops the event subscription. */
  readonly dispose: () => void;
  #latest = new Latest();

  constructor(private readonly studio: StudioState) {
    // Another model makes other mistakes: the old marks go at once, the new ones follow when asked for.
    this.dispose = studio.api.on('model:changed', () => {
      this.marks = null;
      if (this.on) void this.load(this.source);
    });
  }

  /** Turn the marks on or off; on, they cover `source`. */
  async toggle(source: Source = this.source): Promise<void> {
    this.on = !this.on;
    if (this.on && (!this.marks || this.source !== source) && markable(source)) await this.load(source);
  }

  /** The place shows `source` now: marks that are on follow it. */
  async follow(source: Source): Promise<void> {
    if (this.on && markable(source) && (source !== this.source || !this.marks)) await this.load(source);
  }

  async load(source: Source = this.source): Promise<void> {
    const mine = this.#latest.next();
    this.source = source;
    this.marks = null;
    this.loading = true;
    const set = setOf(source);
    const evaluation: ModelEvaluation | undefined = await this.studio.attempt(() =>
      set ? this.studio.api.invoke('datasets:evaluate', { name: set }) : this.studio.evaluateActive(),
    );
    if (!this.#latest.isCurrent(mine)) return;
    this.loading = false;
    if (!evaluation) return;
    this.count = evaluation.count;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- $state.raw: replaced whole, never mutated
    this.labels = new Map(evaluation.errors.map((e) => [e.index, e.label]));
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- $state.raw: replaced whole, never mutated
    this.marks = new Map(evaluation.errors.map((e) => [e.index, e.predicted]));
  }
}
