// Test helper: the bundled models and the MNIST test split, which the reading tests share.
import { initBackend, type tf } from '../runtime/backend.ts';
import { bundledModelDir, bundledReadingDir } from '../model/bundled.ts';
import { readModel } from '../model/model-io.ts';
import { loadDataset, type Split } from '../data/dataset.ts';

/** Starts the wasm backend (named, so tfjs-node installed changes nothing), then reads the bundled models and the test split. */
export async function bundledAndTest(): Promise<{ model: tf.LayersModel; reader: tf.LayersModel; test: Split }> {
  await initBackend({ want: 'wasm' });
  const model = await readModel(bundledModelDir());
  const reader = await readModel(bundledReadingDir());
  const test = (await loadDataset()).test;
  return { model, reader, test };
}
