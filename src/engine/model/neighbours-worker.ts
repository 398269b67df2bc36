// Worker-thread entry: embeds every training image under one saved model, off the caller's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import type { Split } from '../data/dataset.ts';
import { readModel } from './model-io.ts';
import { embeddingWidth, embedSplit } from './neighbours.ts';

const { modelDir, train } = workerData as { modelDir: string; train: Split };

readModel(modelDir)
  .then(async (model) => ({ width: embeddingWidth(model), embeddings: await embedSplit(model, train) }))
  .then(
    // The embeddings' buffer is moved, not copied: 20 MB for MNIST.
    (result) => parentPort!.postMessage({ result }, [result.embeddings.buffer as ArrayBuffer]),
    (err: unknown) => parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) }),
  );
