// Which runs are side by side, and their curves: shared by the compare view and the queue of variants, which
// ticks the runs it trained once it ends.
import type { BatchPoint, EpochMetrics, StudioApi } from '../../../shared/contract';

export type RunMetrics = { batches: BatchPoint[]; epochs: EpochMetrics[] };

export class CompareState {
  /** The ticked runs, in the order they were ticked. */
  ids = $state<string[]>([]);
  /** Each ticked run's curves, fetched once. */
  metrics = $state.raw<Record<string, RunMetrics>>({});

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

  async #load(ids: string[]): Promise<void> {
    for (const id of ids) {
      if (this.metrics[id]) continue;
      const reply = await this.attempt(() => this.api.invoke('runs:metrics', { id }));
      if (reply) this.metrics = { ...this.metrics, [id]: reply };
    }
  }
}
