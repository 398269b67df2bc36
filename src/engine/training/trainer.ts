// Starts training in a worker thread and hands back a handle: events, stop, and the outcome.
import { onWorkerFailure, spawnWorker } from '../runtime/workers.ts';
import { UserError } from '../errors.ts';
import { type RunRecord, RunStore } from '../store/runs.ts';
import type { AnnotateReply, AnnotateRequest, TrainingEvent, TrainingJob, WorkerInput } from './training-messages.ts';
import type { Annotation } from '../store/runs.ts';

export interface TrainingHandle {
  /** Ask the worker to stop; it finishes the batch in flight, saves, and reports done. */
  stop(): void;
  /** The final run record, or a rejection with the worker's error message. */
  done: Promise<RunRecord>;
  /**
   * Have the worker write a name and notes into its run (it alone writes run.json while it trains): the record
   * as written, or null once the worker has ended, when the store may be written directly.
   */
  annotate(annotation: Annotation): Promise<RunRecord | null>;
}

/**
 * Mark a run failed when its worker died without saying so. The worker shares this process's pid, so the
 * store cannot tell by itself; the run keeps its last checkpoint. Written through the caller's store (its
 * file operations, which the fault script reaches), never a second one.
 */
async function markFailed(store: RunStore, runId: string, error: string): Promise<void> {
  const record = await store.read(runId);
  if (record.status === 'running') await store.writeRecord({ ...record, status: 'failed', error });
}

/** Run `job` in a worker thread; `onEvent` sees every event, in order; `store` (of job.runsRoot) writes what the worker cannot. */
export function startTraining(
  job: TrainingJob,
  onEvent: (event: TrainingEvent) => void,
  store: RunStore = new RunStore(job.runsRoot),
): TrainingHandle {
  const stopFlag = new SharedArrayBuffer(4);
  const worker = spawnWorker('train-worker', { job, stopFlag } satisfies WorkerInput, import.meta.url);
  const annotations = new Map<number, { resolve: (run: RunRecord | null) => void; reject: (err: Error) => void }>();
  let tickets = 0;
  let ended = false;
  const done = new Promise<RunRecord>((resolve, reject) => {
    let settled = false;
    let runId: string | null = null;
    worker.on('message', (event: TrainingEvent | AnnotateReply) => {
      if (event.type === 'annotated') {
        const waiting = annotations.get(event.ticket);
        annotations.delete(event.ticket);
        if ('run' in event) waiting?.resolve(event.run);
        else waiting?.reject(new UserError(event.error));
        return;
      }
      if (event.type === 'started') runId = event.run.id;
      onEvent(event);
      if (event.type === 'done') {
        settled = true;
        resolve(event.run);
      } else if (event.type === 'error') {
        settled = true;
        reject(event.user ? new UserError(event.message) : new Error(event.message));
      }
    });
    onWorkerFailure(worker, 'training', (err) => {
      if (settled) return;
      settled = true;
      const failed = runId ? markFailed(store, runId, err.message) : Promise.resolve();
      // The record is written before anyone hears of the failure, so that whoever reads it next sees it failed.
      void failed
        .catch(() => undefined)
        .then(() => {
          onEvent({ type: 'error', runId, message: err.message });
          reject(err);
        });
    });
  }).finally(() => {
    ended = true;
    void worker.terminate();
    // Whatever the worker had not answered, it will not write now: the caller writes the store itself.
    for (const waiting of annotations.values()) waiting.resolve(null);
    annotations.clear();
  });
  return {
    stop: () => Atomics.store(new Int32Array(stopFlag), 0, 1),
    done,
    annotate: ({ name, notes }) => {
      if (ended) return Promise.resolve(null);
      const ticket = ++tickets;
      const answer = new Promise<RunRecord | null>((resolve, reject) => annotations.set(ticket, { resolve, reject }));
      worker.postMessage({ type: 'annotate', ticket, name, notes } satisfies AnnotateRequest);
      return answer;
    },
  };
}
