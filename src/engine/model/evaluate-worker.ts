// Worker-thread entry: evaluates one saved model on a dataset's test split, off the caller's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { loadDataset } from '../data/dataset.ts';
import { evaluate } from './evaluate.ts';
import { readModel } from './model-io.ts';

const { modelDir, dataDir } = workerData as { modelDir: string; dataDir?: string };

Promise.all([readModel(modelDir), loadDataset(dataDir)])
  .then(([model, dataset]) => evaluate(model, dataset.test))
  .then(
    (result) => parentPort!.postMessage({ result }),
    (err: unknown) => parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) }),
  );
