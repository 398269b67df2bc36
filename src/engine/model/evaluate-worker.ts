// Worker-thread entry: evaluates one saved model on a dataset's test split, off the caller's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../runtime/backend.ts';
import { bundledMnistDir, loadSplit } from '../data/dataset.ts';
import { evaluate } from './evaluate.ts';
import { readModel } from './model-io.ts';
import { messageOf } from '../../shared/message.ts';
import { DataSetStore } from '../store/data-sets.ts';
import type { SetRef } from './evaluator.ts';

const { modelDir, dataDir, set } = workerData as { modelDir: string; dataDir?: string; set?: SetRef };
/** The split to evaluate on: a data set's images, or a dataset's test split. */
const testSplit = () => (set ? new DataSetStore(set.root).read(set.name).then((s) => s.split) : loadSplit(dataDir ?? bundledMnistDir(), 'test'));

// Only the test split: reading and unpacking the 60,000 training images here would be wasted.
// An evaluation thread may run on a self-checked GPU, as a training thread does.
initBackend({ gpu: true })
  .then(() => Promise.all([readModel(modelDir), testSplit()]))
  .then(([model, test]) => evaluate(model, test))
  .then(
    (result) => parentPort!.postMessage({ result }),
    (err: unknown) => parentPort!.postMessage({ error: messageOf(err) }),
  );
