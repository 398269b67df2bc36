// The Model place's state: the active model's test-set evaluation, its mistakes filtered by true and
// predicted digit and shown a page at a time, and the test digit opened from them.
import { tick } from 'svelte';
import type { DatasetSample, ModelEvaluation, StudioApi } from '../../../shared/contract';
import type { Misclassified } from '../../../shared/explain';
import { PIXELS } from '../../../shared/mnist';
import { Latest } from './latest';
import { setOf, type Source } from '../../../shared/datasets';
import { fromBase64 } from './pixels';

/** Thumbnails per page of the errors gallery. */
export const GALLERY_PAGE = 25;

/** What the state needs of the app: the engine, and a way to show a failure instead of losing it. */
export interface Host {
  api: StudioApi;
  attempt<T>(action: () => Promise<T>): Promise<T | undefined>;
  /** The active model's evaluation shared with other places, when the app has one. */
  evaluateActive?(): Promise<ModelEvaluation>;
}

/** The mistakes with true label `truth` (any when null) read as `predicted` (any when null). */
export function filterErrors(errors: Misclassified[], truth: number | null, predicted: number | null): Misclassified[] {
  return errors.filter((e) => (truth === null || e.label === truth) && (predicted === null || e.predicted === predicted));
}

export class InsightState {
  evaluation = $state.raw<ModelEvaluation | null>(null);
  evaluating = $state(false);
  /** What the model is evaluated on: MNIST's test split or a data set; the evaluation shown is of it. */
  source = $state<Source>('test');
  /** Gallery filters: the true digit and the digit the model said. */
  truth = $state<number | null>(null);
  predicted = $state<number | null>(null);
  page = $state(0);
  /** Pixels of the test digits fetched so far, by index (replaced whole when more arrive). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- $state.raw: replaced whole, never mutated
  thumbnails = $state.raw(new Map<number, Uint8Array>());
  /** Milliseconds from a gallery page being asked for to its thumbnails being on screen. */
  galleryMs = $state<number | null>(null);
  /** The test digit opened from the gallery, with the active model's probabilities. */
  sample = $state.raw<DatasetSample | null>(null);

  errors = $derived(filterErrors(this.evaluation?.errors ?? [], this.truth, this.predicted));
  pages = $derived(Math.max(1, Math.ceil(this.errors.length / GALLERY_PAGE)));
  visible = $derived(this.errors.slice(this.page * GALLERY_PAGE, (this.page + 1) * GALLERY_PAGE));
  /** The opened digit as the 784 values in [0, 1] the model takes. */
  field = $derived(this.sample ? Array.from(fromBase64(this.sample.pixels), (v) => v / 255) : null);

  /** Drops the event subscription. */
  readonly dispose: () => void;
  #thumbnails = new Latest();
  #evaluation = new Latest();
  #sample = new Latest();

  constructor(private readonly host: Host) {
    // Another model makes other mistakes: what was shown belongs to the old one.
    this.dispose = host.api.on('model:changed', () => {
      this.evaluation = null;
      this.#sample.next();
      this.sample = null;
    });
  }

  /** Evaluate on `source` from now on: an evaluation of another source no longer shows. */
  choose(source: Source): void {
    if (source === this.source) return;
    this.source = source;
    this.#evaluation.next();
    this.evaluating = false;
    this.evaluation = null;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a new map for $state.raw, never the old one mutated
    this.thumbnails = new Map();
    this.truth = this.predicted = null;
  }

  /** Evaluate the active model on the chosen source (the engine keeps the result per model and source). */
  async evaluate(): Promise<void> {
    const mine = this.#evaluation.next();
    const set = setOf(this.source);
    this.evaluating = true;
    const evaluation = await this.host.attempt(() =>
      set ? this.host.api.invoke('datasets:evaluate', { name: set }) : (this.host.evaluateActive?.() ?? this.host.api.invoke('model:evaluate')),
    );
    if (!this.#evaluation.isCurrent(mine)) return;
    this.evaluating = false;
    if (!evaluation) return;
    this.evaluation = evaluation;
    this.page = 0;
    await this.loadThumbnails();
  }

  /** Show only the mistakes of `truth` read as `predicted` (either null for any). */
  async filter(truth: number | null, predicted: number | null): Promise<void> {
    this.truth = truth;
    this.predicted = predicted;
    this.page = 0;
    await this.loadThumbnails();
  }

  async goTo(page: number): Promise<void> {
    this.page = Math.min(Math.max(0, page), this.pages - 1);
    await this.loadThumbnails();
  }

  /** Fetch, in one request, the pixels of the visible thumbnails not fetched yet; a newer page makes this one stale. */
  private async loadThumbnails(): Promise<void> {
    const started = performance.now();
    const mine = this.#thumbnails.next();
    const missing = this.visible.map((e) => e.index).filter((index) => !this.thumbnails.has(index));
    if (missing.length) {
      const split = this.source;
      const reply = await this.host.attempt(() => this.host.api.invoke('dataset:samples', { split, indices: missing }));
      if (!reply || !this.#thumbnails.isCurrent(mine)) return;
      const pixels = fromBase64(reply.pixels);
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a new map for $state.raw, never the old one mutated
      const next = new Map(this.thumbnails);
      reply.indices.forEach((index, k) => next.set(index, pixels.subarray(k * PIXELS, (k + 1) * PIXELS)));
      this.thumbnails = next;
    }
    await tick();
    if (this.#thumbnails.isCurrent(mine)) this.galleryMs = performance.now() - started;
  }

  /** Open one digit of `split` (a test digit by default): its pixels and the active model's probabilities; a newer click wins. */
  async open(index: number, split: Source = 'test'): Promise<void> {
    const mine = this.#sample.next();
    const sample = await this.host.attempt(() => this.host.api.invoke('dataset:sample', { split, index }));
    if (sample && this.#sample.isCurrent(mine)) this.sample = sample;
  }
}
