// Evaluation of a saved model in a worker thread, so that the window's host never stalls on it.
import type { Evaluation } from './evaluate.ts';
import { UserError } from '../errors.ts';
import { onWorkerFailure, spawnWorker } from '../runtime/workers.ts';

/** A data set in the store: its folder and name. */
export interface SetRef {
  root: string;
  name: string;
}

/** Evaluate the model in `modelDir` on the test split of `dataDir` (the bundled MNIST by default), or on every image of data set `set`. */
export function evaluateInWorker(modelDir: string, dataDir?: string, set?: SetRef): Promise<Evaluation> {
  const worker = spawnWorker('evaluate-worker', { modelDir, dataDir, set }, import.meta.url);
  return new Promise<Evaluation>((resolve, reject) => {
    worker.once('message', (message: { result?: Evaluation; error?: string }) => {
      if (message.result) resolve(message.result);
      else reject(new UserError(message.error ?? 'evaluation failed'));
    });
    // After the message this rejects a settled promise, which does nothing.
    onWorkerFailure(worker, 'evaluation', reject);
  }).finally(() => void worker.terminate());
}
