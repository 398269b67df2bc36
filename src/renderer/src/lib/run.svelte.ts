// The current run: the one the charts, the progress bar and the window title follow. Its one owner: the
// studio, the queue and the fine-tune call these methods instead of assigning the fields themselves.
import type { BatchPoint, BatchProgress, EpochMetrics, RunRecord, TrainingStatus } from '../../../shared/contract';
import type { RunStatus } from '../../../shared/types';

/** How the run shown last ended, in the record's own words (one vocabulary), or null while it trains (or before any). */
export type Outcome = Exclude<RunStatus, 'running'> | null;

/** A run's curves as the engine keeps them. */
export interface Curves {
  batches: BatchPoint[];
  epochs: EpochMetrics[];
}

const NO_CURVES: Curves = { batches: [], epochs: [] };

/** The outcome a past run's record stands for. */
export const outcomeOf = (run: RunRecord): Outcome => (run.status === 'running' ? 'stopped' : run.status);

export class RunState {
  /** The run on screen; null before the engine names a run it is starting. */
  id = $state<string | null>(null);
  running = $state(false);
  stopping = $state(false);
  progress = $state.raw<BatchProgress | null>(null);
  batches = $state.raw<BatchPoint[]>([]);
  epochs = $state.raw<EpochMetrics[]>([]);
  outcome = $state<Outcome>(null);

  /**
   * The one way the window starts training (a run, a resume, a queue, a fine-tune): the charts wait for its
   * batches, `request` asks the engine and gives the run's id (null when the engine names each run itself, as a
   * queue's), and a refusal leaves nothing training and is thrown on to the asker.
   */
  async launch(request: () => Promise<string | null>, resumed?: { id: string; curves: Curves }): Promise<void> {
    this.begin(resumed?.id ?? null, resumed?.curves);
    let id: string | null;
    try {
      id = await request();
    } catch (err) {
      this.refused();
      throw err;
    }
    if (id) this.started(id);
  }

  /** A run is being started (a resumed one with the curves it has so far): the charts wait for its batches. */
  begin(id: string | null = null, curves: Curves = NO_CURVES): void {
    this.#set(id, curves, null);
    this.running = true;
    this.stopping = false;
  }

  /** The engine named the run it started. */
  started(id: string): void {
    this.id = id;
  }

  /** The start was refused: nothing trains. */
  refused(): void {
    this.running = false;
  }

  /** Between two runs of a queue nothing trains, but the queue goes on: Start stays away. */
  continues(): void {
    this.running = true;
  }

  /** Nothing on screen. */
  clear(): void {
    this.#set(null, NO_CURVES, null);
    this.running = false;
    this.stopping = false;
  }

  /** A past run's curves, while nothing trains. */
  show(run: RunRecord, curves: Curves): void {
    this.#set(run.id, curves, null);
    this.outcome = outcomeOf(run);
  }

  /** What a reloaded window finds: the engine's current (or last) run. */
  restore(status: TrainingStatus): void {
    if (!status.runId) return;
    this.#set(status.runId, status, null);
    this.running = status.running;
    // A finished or stopped run's last batch is history: its curves and its row in the list say the rest.
    this.progress = status.running ? status.progress : null;
  }

  /** A batch ended; another run's first batch (the next of a queue) starts its curves afresh. */
  batch(runId: string, progress: BatchProgress, point: BatchPoint): void {
    if (runId !== this.id) [this.batches, this.epochs] = [[], []];
    this.id = runId;
    this.running = true;
    this.progress = progress;
    this.batches = [...this.batches, point];
  }

  epoch(metrics: EpochMetrics): void {
    this.epochs = [...this.epochs, metrics];
  }

  stop(): void {
    this.stopping = true;
  }

  ended(outcome: Exclude<Outcome, null>): void {
    this.running = false;
    this.stopping = false;
    this.outcome = outcome;
  }

  #set(id: string | null, curves: Curves, progress: BatchProgress | null): void {
    this.id = id;
    this.batches = curves.batches;
    this.epochs = curves.epochs;
    this.progress = progress;
    this.outcome = null;
  }
}
