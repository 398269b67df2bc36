// What the Dataset place shows: the split and label filter, the overview strip and the open sample.
// Requests go out from the handlers that need them and from the `model:changed` event, never from an
// effect, so a reply cannot cause another request; a reply older than the newest request is dropped.
import type { DatasetSample } from '../../../shared/contract';
import type { Source } from '../../../shared/datasets';
import { DIGITS } from '../../../shared/mnist';
import { fromBase64 } from './pixels';
import { Latest } from './latest';
import type { StudioState } from './studio.svelte';

/** Where the place's samples come from: MNIST's splits or a data set (`set:` and its name). */
export type Split = Source;

/** The Dataset place's state; `dispose()` drops its event subscription. */
export class DatasetState {
  split = $state<Split>('train');
  label = $state<number | null>(null);
  sample = $state.raw<DatasetSample | null>(null);
  /** A sample another place opened, for the grid to bring into view. */
  reveal = $state.raw<{ index: number; ask: number } | null>(null);
  /** The first sample of each digit in the split, as pixels, and its index (-1 where the split has none of that digit). */
  overview = $state.raw<Uint8Array[]>([]);
  overviewIndices = $state.raw<number[]>([]);
  samplePixels = $derived(this.sample ? fromBase64(this.sample.pixels) : null);
  readonly dispose: () => void;
  #sample = new Latest();
  #overview = new Latest();

  constructor(private readonly studio: StudioState) {
    // The active model's opinion changes with the model: ask again, once, for the sample on screen.
    const changed = studio.api.on('model:changed', () => {
      if (this.sample) void this.open(this.sample.index, this.sample.split);
    });
    // Another place (the Draw place's nearest digits) opens a sample here.
    const asked = studio.onOpenSample((split, index) => {
      if (split !== this.split) void this.setSplit(split);
      this.label = null;
      this.reveal = { index, ask: (this.reveal?.ask ?? 0) + 1 };
      void this.open(index, split);
    });
    this.dispose = () => (changed(), asked());
  }

  /** Show one sample with the active model's prediction. */
  async open(index: number, split: Split = this.split): Promise<void> {
    const ticket = this.#sample.next();
    const sample = await this.studio.attempt(() => this.studio.api.invoke('dataset:sample', { split, index }));
    if (sample && this.#sample.isCurrent(ticket)) this.sample = sample;
  }

  async setSplit(split: Split): Promise<void> {
    this.split = split;
    await this.loadOverview();
  }

  /** The overview strip: one page of one thumbnail per digit (no predictions needed). */
  async loadOverview(): Promise<void> {
    const ticket = this.#overview.next();
    const split = this.split;
    const pages = await this.studio.attempt(() =>
      Promise.all(DIGITS.map((label) => this.studio.api.invoke('dataset:page', { split, label, offset: 0, limit: 1 }))),
    );
    if (!pages || !this.#overview.isCurrent(ticket)) return;
    this.overview = pages.map((page) => fromBase64(page.pixels));
    this.overviewIndices = pages.map((page) => page.indices[0] ?? -1);
  }
}
