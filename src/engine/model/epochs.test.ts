import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../runtime/backend.ts';
import { createModel, createOptimizer } from './model.ts';
import { readModel } from './model-io.ts';
import { predictField } from './predict.ts';
import { epochHistory, EpochModels } from './epochs.ts';
import { RunStore } from '../store/runs.ts';
import { defaultSpec } from '../../shared/spec.ts';

const spec = {
  ...defaultSpec(),
  conv: [{ filters: 2, kernelSize: 5, padding: 'same' as const, pool: 'max' as const, poolSize: 2, poolStride: 2 }],
  dense: [8],
  epochs: 3,
};
const field = Array.from({ length: 784 }, (_, i) => (i % 28 > 10 && i % 28 < 16 ? 1 : 0));

beforeAll(async () => {
  await initBackend({ want: 'wasm' });
});

/** A run saved as training saves it, with a differently initialised model after each epoch; the models, by epoch. */
async function threeEpochs(store: RunStore) {
  const optimizer = createOptimizer(spec);
  let record = await store.create({ spec, dataDir: 'mnist', backend: 'wasm' });
  const models = [];
  for (const epoch of [1, 2, 3]) {
    const model = createModel({ ...spec, seed: epoch * 101 });
    record = await store.saveCheckpoint({ ...record, epochsDone: epoch }, model, optimizer);
    models.push(model);
  }
  // A stop mid-epoch saves again with the same epoch count: that is no finished epoch's weights.
  const partial = createModel({ ...spec, seed: 999 });
  record = await store.saveCheckpoint(record, partial, optimizer);
  return { record, models, partial };
}

describe("a run's epochs", () => {
  it('keeps the model after every finished epoch, and the history equals loading each and predicting', async () => {
    const store = new RunStore(mkdtempSync(join(tmpdir(), 'runs-')));
    const { record, models } = await threeEpochs(store);
    expect(await store.keptEpochs(record.id)).toEqual([1, 2, 3]);
    // Model only: no optimizer state beside the weights.
    expect(readdirSync(store.epochDir(record.id, 2)).sort()).toEqual(['model.json', 'weights.bin']);
    const history = await epochHistory(store, record.id, field);
    expect(history.epochsDone).toBe(3);
    expect(history.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    for (const [k, entry] of history.epochs.entries()) {
      const loaded = await predictField(await readModel(store.epochDir(record.id, entry.epoch)), field);
      const saved = await predictField(models[k], field);
      expect(entry).toEqual({ epoch: k + 1, label: loaded.label, probabilities: loaded.probabilities });
      expect(entry.probabilities).toEqual(saved.probabilities);
    }
    // Through the studio's cache: the same answers, and an epoch that was not kept is refused by name.
    const cache = new EpochModels();
    expect(await cache.history(store, record.id, field)).toEqual(history);
    expect(await cache.history(store, record.id, field)).toEqual(history);
    await expect(cache.model(store, record.id, 4)).rejects.toThrow(`run ${record.id} kept no weights for epoch 4`);
    cache.dispose();
  });

  it('is empty for a run from before epochs were kept, which still says how many it trained', async () => {
    const store = new RunStore(mkdtempSync(join(tmpdir(), 'runs-')));
    const model = createModel(spec);
    const run = await store.create({ spec, dataDir: 'mnist', backend: 'wasm' });
    // An import saves without an optimizer, as every checkpoint did before epochs were kept.
    await store.saveCheckpoint({ ...run, epochsDone: 2 }, model, null);
    expect(await epochHistory(store, run.id, field)).toEqual({ epochsDone: 2, epochs: [] });
  });
});
