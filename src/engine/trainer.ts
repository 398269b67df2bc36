// Starts training in a worker thread and hands back a handle: events, stop, and the outcome.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RunRecord } from './runs.ts';
import type { TrainingEvent, TrainingJob, WorkerInput } from './training-messages.ts';

export interface TrainingHandle {
  /** Ask the worker to stop; it finishes the batch in flight, saves, and reports done. */
  stop(): void;
  /** The final run record, or a rejection with the worker's error message. */
  done: Promise<RunRecord>;
}

/**
 * Start a worker from the bundled `<name>.js` beside the built main or, running from source, from the .ts
 * through tsx's loader (registered inside the worker: Node 20 does not apply `--import` hooks to a worker's entry).
 */
export function spawnWorker(name: string, workerData: unknown, base = import.meta.url): Worker {
  const js = new URL(`./${name}.js`, base);
  if (existsSync(fileURLToPath(js))) return new Worker(js, { workerData });
  const ts = new URL(`./${name}.ts`, base).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(ts)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

/** Run `job` in a worker thread; `onEvent` sees every event, in order. */
export function startTraining(job: TrainingJob, onEvent: (event: TrainingEvent) => void): TrainingHandle {
  const stopFlag = new SharedArrayBuffer(4);
  const worker = spawnWorker('train-worker', { job, stopFlag } satisfies WorkerInput);
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
