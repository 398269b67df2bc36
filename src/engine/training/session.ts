// The one owner of a training session's life: a single run, a resumed run, a queue of runs or a fine-tune, all
// started behind one guard and launched by one path; stop, status, annotate and close ask it. studio.ts hands
// every training channel to it.
import type { EventChannel, EventPayloads, InvokeInput, QueueStatus, RunRecord, TrainingStatus } from '../../shared/contract.ts';
import { isResumable } from '../../shared/types.ts';
import { UserError } from '../errors.ts';
import { addPoint, batchPoint } from '../store/history.ts';
import type { Annotation, RunStore } from '../store/runs.ts';
import { startTraining, type TrainingHandle } from './trainer.ts';
import type { TrainingEvent, TrainingJob } from './training-messages.ts';

/** How the session tells the windows what happens. */
export type Emit = <E extends EventChannel>(channel: E, payload: EventPayloads[E]) => void;
/** A job as the session launches it: the runs folder is the session's own. */
export type Job = Omit<TrainingJob, 'runsRoot'>;
/** What a start prepares once the session is claimed: the job, and what the status starts from (a resumed run's history). */
export interface Prepared {
  job: Job;
  status?: Pick<TrainingStatus, 'runId' | 'batches' | 'epochs'>;
}

export const BUSY_MESSAGE = 'a training run is already in progress; stop it first';

export class TrainingSession {
  private current: { handle: TrainingHandle; status: TrainingStatus } | null = null;
  /** True from the moment a start passes the guard until its run is launched or the start fails. */
  private claimed = false;
  /** The queue of runs training now, or the last one. */
  private queue: QueueStatus | null = null;
  private last: TrainingStatus = { runId: null, running: false, spec: null, progress: null, batches: [], epochs: [] };

  constructor(
    private readonly store: RunStore,
    private readonly emit: Emit,
    /** How a job trains: a worker thread, unless a test stands in for it. */
    private readonly trainer: typeof startTraining = startTraining,
  ) {}

  /** True while a run trains, a start is being prepared, or a queue has items left. */
  get busy(): boolean {
    return this.current !== null || this.claimed || this.queue?.active === true;
  }

  /** The run training now, if any. */
  get runId(): string | null {
    return this.current?.status.runId ?? null;
  }

  /**
   * Start one run. The session is claimed before `prepare` reads anything (a run record, my digits, a model), so
   * a second start is refused at once instead of after its own reads, and two starts can never both pass.
   */
  async start(prepare: () => Promise<Prepared>): Promise<string> {
    if (this.busy) throw new UserError(BUSY_MESSAGE);
    this.claimed = true;
    try {
      const { job, status } = await prepare();
      return await this.launch(job, status, true).started;
    } finally {
      this.claimed = false;
    }
  }

  /** A training:start request: a new run from the form's spec, or a stopped run resumed exactly as it was started. */
  startRun(request: InvokeInput<'training:start'>, dataDir: string | undefined): Promise<string> {
    return this.start(async () => {
      const { resumeId, spec, trainLimit, testLimit, name } = request;
      if (!resumeId) return { job: { spec, trainLimit, testLimit, dataDir, name } };
      const record = await this.store.read(resumeId);
      if (!isResumable(record)) throw new UserError(notResumable(record));
      // A resumed run goes on with everything it was started with, whatever the form holds now.
      const job = { spec: record.spec, trainLimit: record.trainLimit, testLimit: record.testLimit, dataDir: record.dataDir, resumeId };
      return { job, status: { runId: resumeId, ...(await this.store.history(resumeId)) } };
    });
  }

  /** Train `items` one after another; a failing item is recorded on its run and the next one goes on. */
  startQueue({ items, trainLimit, testLimit }: InvokeInput<'training:queue'>, dataDir: string | undefined): { queued: number } {
    if (this.busy) throw new UserError(BUSY_MESSAGE);
    const queue: QueueStatus = { names: items.map((item) => item.name), current: 0, runIds: [], active: true, dropped: 0 };
    this.queue = queue;
    void (async () => {
      for (const [index, item] of items.entries()) {
        if (!queue.active) break;
        queue.current = index;
        const run = this.launch({ spec: item.spec, trainLimit, testLimit, dataDir, name: item.name });
        await run.started.then(
          (id) => queue.runIds.push(id),
          () => undefined,
        );
        await run.finished;
      }
      queue.active = false;
    })();
    return { queued: items.length };
  }

  /** Ask the run training now to stop (it saves first); the rest of a queue is dropped. */
  stop(): { stopping: boolean; dropped?: number } {
    const queue = this.dropQueue();
    this.current?.handle.stop();
    return { stopping: this.current !== null || queue !== null, ...(queue ? { dropped: queue.dropped } : {}) };
  }

  /** The run training now (or the last one), with the queue it belongs to. */
  status(): TrainingStatus {
    const status = this.current?.status ?? this.last;
    if (!this.queue) return status;
    // Between two queued runs nothing trains, but the queue is still under way.
    return { ...status, running: status.running || this.queue.active, queue: { ...this.queue, runIds: [...this.queue.runIds] } };
  }

  /** Name or note the run training now, through its trainer (it alone writes run.json meanwhile); null for any other run. */
  async annotate(id: string, annotation: Annotation): Promise<RunRecord | null> {
    return this.current?.status.runId === id ? this.current.handle.annotate(annotation) : null;
  }

  /** Stop whatever trains, drop the rest of a queue, and wait for the run to save. */
  async close(): Promise<void> {
    this.dropQueue();
    const current = this.current;
    if (!current) return;
    current.handle.stop();
    await current.handle.done.catch(() => undefined);
  }

  private dropQueue(): QueueStatus | null {
    const queue = this.queue?.active ? this.queue : null;
    // Dropped first, so that the run stopping now is the queue's last.
    if (queue) Object.assign(queue, { active: false, dropped: queue.names.length - queue.current - 1 });
    return queue;
  }

  /**
   * The one launch path: `started` gives the run's id, `finished` settles once it has ended either way. With
   * `replied`, a failure before the run starts is the start request's reply alone (not also an error event).
   */
  private launch(job: Job, from?: Prepared['status'], replied = false): { started: Promise<string>; finished: Promise<void> } {
    const status: TrainingStatus = { runId: null, running: true, spec: job.spec, progress: null, batches: [], epochs: [], ...from };
    let finished!: Promise<void>;
    let begun = false;
    const started = new Promise<string>((resolve, reject) => {
      const handle = this.trainer(
        { ...job, runsRoot: this.store.root },
        (event) => {
          // Idle as soon as the run has said its last word, so that whoever hears it may start the next one.
          if (event.type === 'done' || event.type === 'error') this.settle(status);
          if (event.type === 'started') begun = true;
          if (!(event.type === 'error' && replied && !begun)) this.follow(status, event);
          if (event.type === 'started') resolve(event.run.id);
          if (event.type === 'error') reject(new UserError(event.message));
        },
        this.store,
      );
      this.current = { handle, status };
      finished = handle.done
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => this.settle(status));
    });
    return { started, finished };
  }

  /** The run of `status` has ended: it becomes the last run, and the session is idle unless another run has begun. */
  private settle(status: TrainingStatus): void {
    if (this.current?.status !== status) return;
    this.last = { ...status, running: false };
    this.current = null;
  }

  /** Keep a run's status as its events arrive, and pass each on to the windows. */
  private follow(status: TrainingStatus, event: TrainingEvent): void {
    if (event.type === 'started') {
      status.runId = event.run.id;
    } else if (event.type === 'batch') {
      const point = batchPoint(event.progress);
      status.progress = event.progress;
      addPoint(status.batches, point);
      this.emit('training:progress', { runId: event.runId, progress: event.progress, point });
    } else if (event.type === 'epoch') {
      status.epochs.push(event.metrics);
      this.emit('training:epoch', { runId: event.runId, metrics: event.metrics, run: event.run });
    } else if (event.type === 'done') {
      this.emit('training:done', { run: event.run, stopped: event.stopped });
    } else {
      this.emit('training:error', { runId: status.runId, message: event.message });
    }
  }
}

function notResumable(run: RunRecord): string {
  if (run.status === 'running') return `run ${run.id} is training already`;
  if (run.status === 'done' || run.epochsDone >= run.spec.epochs) return `run ${run.id} is done; there is nothing left to train`;
  return `run ${run.id} has no saved checkpoint to resume from`;
}
