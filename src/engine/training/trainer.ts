// Starts training in a worker thread and hands back a handle: events, stop, and the outcome.
import { spawnWorker } from '../runtime/workers.ts';
import type { RunRecord } from '../store/runs.ts';
import type { TrainingEvent, TrainingJob, WorkerInput } from './training-messages.ts';

export interface TrainingHandle {
  /** Ask the worker to stop; it finishes the batch in flight, saves, and reports done. */
  stop(): void;
  /** The final run record, or a rejection with the worker's error message. */
  done: Promise<RunRecord>;
}

/** Run `job` in a worker thread; `onEvent` sees every event, in order. */
export function startTraining(job: TrainingJob, onEvent: (event: TrainingEvent) => void): TrainingHandle {
  const stopFlag = new SharedArrayBuffer(4);
  const worker = spawnWorker('train-worker', { job, stopFlag } satisfies WorkerInput, import.meta.url);
  const done = new Promise<RunRecord>((resolve, reject) => {
    let settled = false;
    worker.on('message', (event: TrainingEvent) => {
      onEvent(event);
      if (event.type === 'done') {
        settled = true;
        resolve(event.run);
      } else if (event.type === 'error') {
        settled = true;
        reject(new Error(event.message));
      }
    });
    worker.on('error', (err) => {
      if (settled) return;
      settled = true;
      onEvent({ type: 'error', runId: null, message: err.message });
      reject(err);
    });
    worker.on('exit', (code) => {
      if (settled) return;
      settled = true;
      const message = `training worker exited with code ${code}`;
      onEvent({ type: 'error', runId: null, message });
      reject(new Error(message));
    });
  }).finally(() => void worker.terminate());
  return { stop: () => Atomics.store(new Int32Array(stopFlag), 0, 1), done };
}
