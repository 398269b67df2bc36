// Which runs are side by side, and their curves: shared by the compare view and the queue of variants, which
// ticks the runs it trained once it ends.
import type { BatchPoint, EpochMetrics, StudioApi } from '../../../shared/contract';

export type RunMetrics = { batches: BatchPoint[]; epochs: EpochMetrics[] };

/** Where a run's accuracy on a data set is kept. */
export const accuracyKey = (set: string, run: string) => `${set}\u0000${run}`;

export class CompareState {
  /** The ticked runs, in the order they were ticked. */
  ids = $state<string[]>([]);
  /** Each ticked run's curves, fetched once. */
  metrics = $state.raw<Record<string, RunMetrics>>({});
  /** Each run's accuracy on a data set, by `accuracyKey(set, run)`: a number once measured, null while it is. */
  accuracy = $state.raw<Record<string, number | null>>({});

  constructor(
    private readonly api: StudioApi,
    /** Run an action, showing its error instead of losing it (StudioState.attempt). */
    private readonly attempt: <T>(action: () => Promise<T>) => Promise<T | undefined>,
  ) {}

  async toggle(id: string, on: boolean): Promise<void> {
    this.ids = on ? [...this.ids, id] : this.ids.filter((other) => other !== id);
    if (on) await this.#load([id]);
  }

  /** Tick exactly these runs. */
  async select(ids: string[]): Promise<void> {
    this.ids = [...ids];
    await this.#load(ids);
  }

  /** Measure each of `ids` on data set `set` (one at a time: each is an evaluation in the engine). */
  async measure(set: string, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const key = accuracyKey(set, id);
      if (key in this.accuracy) continue;
      this.accuracy = { ...this.accuracy, [key]: null };
      const reply = await this.attempt(() => this.api.invoke('datasets:evaluate', { name: set, run: id }));
      const rest = Object.fromEntries(Object.entries(this.accuracy).filter(([k]) => k !== key));
      // A failure is shown by attempt() and forgotten here: Measure asks again.
      this.accuracy = reply ? { ...rest, [key]: reply.accuracy } : rest;
    }
  }

  async #load(ids: string[]): Promise<void> {
    for (const id of ids) {
      if (this.metrics[id]) continue;
      const reply = await this.attempt(() => this.api.invoke('runs:metrics', { id }));
      if (reply) this.metrics = { ...this.metrics, [id]: reply };
    }
  }
}
