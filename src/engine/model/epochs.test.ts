import { mkdtempSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../runtime/backend.ts';
import { createModel, createOptimizer } from './model.ts';
import { readModel } from './model-io.ts';
import { predictField } from './predict.ts';
import { epochHistory, EpochModels, MAX_HISTORY_EPOCHS, sampleEpochs } from './epochs.ts';
import { tf } from '../runtime/backend.ts';
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
    // Without room in the cache, each epoch is loaded for its answer and disposed of: no tensor is left behind.
    const tight = new EpochModels(0);
    const before = tf.memory().numTensors;
    expect(await tight.history(store, record.id, field)).toEqual(history);
    expect(tf.memory().numTensors).toBe(before);
    cache.dispose();
  });

  it('skips and names a damaged epoch instead of failing the whole history', async () => {
    const store = new RunStore(mkdtempSync(join(tmpdir(), 'runs-')));
    const { record } = await threeEpochs(store);
    truncateSync(join(store.epochDir(record.id, 2), 'weights.bin'), 10);
    const history = await epochHistory(store, record.id, field);
    expect(history.epochs.map((e) => e.epoch)).toEqual([1, 3]);
    expect(history.skipped).toHaveLength(1);
    expect(history.skipped![0].epoch).toBe(2);
    expect(history.skipped![0].problem).toMatch(/weights/);
  });

  it('loads one epoch at a time and disposes of it, and asks at most 50 epochs of a long run', async () => {
    const store = new RunStore(mkdtempSync(join(tmpdir(), 'runs-')));
    const optimizer = createOptimizer(spec);
    let record = await store.create({ spec: { ...spec, epochs: 120 }, dataDir: 'mnist', backend: 'wasm' });
    const model = createModel(spec);
    for (let epoch = 1; epoch <= 120; epoch++) record = await store.saveCheckpoint({ ...record, epochsDone: epoch }, model, optimizer);
    let held = 0;
    let most = 0;
    const loaded: number[] = [];
    const history = await epochHistory(store, record.id, field, async (dir) => {
      const m = await readModel(dir);
      loaded.push(Number(dir.slice(-4)));
      most = Math.max(most, ++held);
      return { model: m, release: () => (held--, m.dispose()) };
    });
    expect(most).toBe(1);
    expect(held).toBe(0);
    expect(loaded).toHaveLength(MAX_HISTORY_EPOCHS);
    expect(history.epochs.map((e) => e.epoch)).toEqual(loaded);
    expect(loaded[0]).toBe(1);
    expect(loaded.at(-1)).toBe(120);
    // A larger model is sampled more sparsely: what one history reads stays within its byte budget.
    const bytes = statSync(join(store.epochDir(record.id, 1), 'weights.bin')).size;
    const sparse = await epochHistory(store, record.id, field, undefined, bytes * 10);
    expect(sparse.epochs.map((e) => e.epoch)).toEqual([1, 14, 27, 41, 54, 67, 80, 94, 107, 120]);
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

describe('sampling a long history', () => {
  it('keeps every epoch up to 50, else 50 spread evenly with the first and the last', () => {
    const few = [1, 2, 3];
    expect(sampleEpochs(few)).toEqual(few);
    const many = Array.from({ length: 9_999 }, (_, k) => k + 1);
    const picked = sampleEpochs(many);
    expect(picked).toHaveLength(50);
    expect([picked[0], picked.at(-1)]).toEqual([1, 9_999]);
    const gaps = picked.slice(1).map((e, k) => e - picked[k]);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1);
  });
});
