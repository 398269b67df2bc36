// "Why did it say that": the training digits nearest to an input, and a run's answers through its epochs.
// Each is asked for when the input or the active model changes (the components call `show`), newest input
// winning (newest.ts): building the neighbours' index takes a while, and each stroke asks again.
import type { EpochHistory, Neighbour, StudioApi } from '../../../shared/contract';
import type { ModelExplanation } from '../../../shared/explain';
import { fromBase64 } from './pixels';
import { type Ask, Newest } from './newest';
import { messageOf } from '../../../shared/message';

/** How many nearest training digits the Draw place shows. */
export const NEIGHBOURS_SHOWN = 8;

/** The label most of `neighbours` have (the lower digit on a tie), or null for none. */
export function majorityLabel(neighbours: readonly Neighbour[]): number | null {
  if (neighbours.length === 0) return null;
  const votes = new Array<number>(10).fill(0);
  for (const n of neighbours) votes[n.label]++;
  return votes.indexOf(Math.max(...votes));
}

/** The nearest training digits of one input, with their pixels for thumbnails. */
export class NeighboursState {
  neighbours = $state.raw<Neighbour[]>([]);
  /** neighbours.length × 784 bytes. */
  pixels = $state.raw<Uint8Array | null>(null);
  loading = $state(false);
  failure = $state<string | null>(null);
  majority = $derived(majorityLabel(this.neighbours));

  constructor(private readonly api: StudioApi) {}

  #asks = new Newest((field: ArrayLike<number>, ask: Ask) => this.#ask(field, ask));

  /** Ask for the neighbours of `field` (null clears them). */
  async show(field: ArrayLike<number> | null): Promise<void> {
    if (!field) {
      this.#asks.drop();
      [this.neighbours, this.pixels, this.loading, this.failure] = [[], null, false, null];
      return;
    }
    this.loading = true;
    await this.#asks.run(field);
  }

  async #ask(field: ArrayLike<number>, { signal, isCurrent }: Ask): Promise<void> {
    try {
      const neighbours = await this.api.invoke('model:neighbours', { field: Array.from(field), count: NEIGHBOURS_SHOWN }, { signal });
      const samples = await this.api.invoke('dataset:samples', { split: 'train', indices: neighbours.map((n) => n.index) }, { signal });
      if (!isCurrent()) return;
      [this.neighbours, this.pixels, this.failure] = [neighbours, fromBase64(samples.pixels), null];
    } catch (err) {
      if (isCurrent()) this.failure = messageOf(err);
    } finally {
      if (isCurrent()) this.loading = false;
    }
  }
}

/** A run's answers for one input after each kept epoch, and the epoch whose network view is shown. */
export class EpochHistoryState {
  history = $state.raw<EpochHistory | null>(null);
  /** The run the history is of; null for the bundled model, which has no epochs here. */
  runId = $state<string | null>(null);
  /** The epoch the slider shows (the last one by default). */
  epoch = $state<number | null>(null);
  failure = $state<string | null>(null);

  constructor(private readonly api: StudioApi) {}

  #asks = new Newest(({ runId, field }: { runId: string; field: ArrayLike<number> }, ask: Ask) => this.#ask(runId, field, ask));

  /** Ask what run `runId`'s epochs answer for `field`. */
  async show(runId: string | null, field: ArrayLike<number> | null): Promise<void> {
    if (runId !== this.runId) this.epoch = null;
    this.runId = runId;
    if (!runId || !field) {
      this.#asks.drop();
      [this.history, this.failure] = [null, null];
      return;
    }
    await this.#asks.run({ runId, field });
  }

  async #ask(runId: string, field: ArrayLike<number>, { signal, isCurrent }: Ask): Promise<void> {
    try {
      const history = await this.api.invoke('runs:epochHistory', { id: runId, field: Array.from(field) }, { signal });
      if (!isCurrent()) return;
      [this.history, this.failure] = [history, null];
      if (this.epoch === null || !history.epochs.some((e) => e.epoch === this.epoch)) this.epoch = history.epochs.at(-1)?.epoch ?? null;
    } catch (err) {
      if (isCurrent()) this.failure = messageOf(err);
    }
  }

  /** How to explain an input with the run as it was after the chosen epoch. */
  explainer(runId: string, epoch: number): (field: number[], signal?: AbortSignal) => Promise<ModelExplanation> {
    return (field, signal) => this.api.invoke('runs:epochExplain', { id: runId, epoch, field }, { signal });
  }
}
