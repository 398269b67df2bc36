import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FileOps, realFileOps } from './atomic.ts';
import { initBackend, tf } from '../runtime/backend.ts';
import { limitSplit, loadDataset, type Split } from '../data/dataset.ts';
import { makeBatch } from '../data/batches.ts';
import { createModel, createOptimizer } from '../model/model.ts';
import { readModel, readOptimizer } from '../model/model-io.ts';
import { DIED_BEFORE_CHECKPOINT, RunStore } from './runs.ts';
import { isResumable } from '../../shared/types.ts';
import { defaultSpec } from '../../shared/spec.ts';
import { train } from '../training/train.ts';

let test: Split;
let trainSplit: Split;
const spec = { ...defaultSpec(), batchSize: 100, epochs: 1 };

beforeAll(async () => {
  await initBackend();
  const ds = await loadDataset();
  test = limitSplit(ds.test, 50);
  trainSplit = limitSplit(ds.train, 300);
});

async function predictions(model: tf.LayersModel): Promise<Float32Array> {
  const batch = makeBatch(
    test,
    Array.from({ length: test.count }, (_, i) => i),
  );
  const out = model.predict(batch.xs) as tf.Tensor;
  const values = (await out.data()) as Float32Array;
  tf.dispose([out, batch.xs, batch.ys]);
  return values;
}

const root = () => mkdtempSync(join(tmpdir(), 'runs-'));

const epochMetrics = (epoch: number) => ({
  epoch,
  epochs: 2,
  loss: 0.5 / epoch,
  accuracy: 0.9,
  valLoss: 0.4 / epoch,
  valAccuracy: 0.91,
  seconds: 1,
  samplesPerSecond: 300,
});

describe('run store', () => {
  it('saves and loads a model that predicts the same, loadable by stock tf.loadLayersModel', async () => {
    const store = new RunStore(root());
    const model = createModel(spec);
    const optimizer = createOptimizer(spec);
    await train(model, optimizer, { train: trainSplit, test }, spec);
    let record = await store.create({ spec, dataDir: 'mnist', backend: 'wasm' });
    record = await store.saveCheckpoint({ ...record, epochsDone: 1 }, model, optimizer);
    // Stock TF.js reads the checkpoint through nothing but an IOHandler over its two files.
    const dir = await store.checkpointDir(record.id);
    const loaded = await tf.loadLayersModel({
      load: async () =>
        tf.io.getModelArtifactsForJSON(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')), async (manifest) => [
          manifest.flatMap((group) => group.weights),
          new Uint8Array(readFileSync(join(dir, 'weights.bin'))).buffer,
        ]),
    });
    expect(await predictions(loaded)).toEqual(await predictions(model));
    expect(await store.list()).toEqual([record]);
    // The optimizer's state comes back too, so that training resumes where it was.
    const restored = createOptimizer(spec);
    await readOptimizer(await store.checkpointDir(record.id), restored);
    const [a, b] = [await optimizer.getWeights(), await restored.getWeights()];
    expect(b.map((w) => w.name)).toEqual(a.map((w) => w.name));
    expect(await b[1].tensor.data()).toEqual(await a[1].tensor.data());
  });

  it('leaves the previous checkpoint intact when a save crashes half-way', async () => {
    const dir = root();
    const model = createModel(spec);
    const optimizer = createOptimizer(spec);
    const good = new RunStore(dir);
    let record = await good.create({ spec, dataDir: 'mnist', backend: 'wasm' });
    record = await good.saveCheckpoint({ ...record, epochsDone: 1 }, model, optimizer);
    const before = await predictions(model);
    await train(model, optimizer, { train: trainSplit, test }, spec);
    expect(await predictions(model)).not.toEqual(before);
    // Fail at each write in turn: the model files, the optimizer files, the folder rename, run.json.
    for (let failAt = 1; failAt <= 6; failAt++) {
      let calls = 0;
      const crash = () => {
        if (++calls === failAt) throw new Error('simulated crash');
      };
      const flaky: FileOps = {
        ...realFileOps,
        writeFile: async (p, d) => (crash(), realFileOps.writeFile(p, d)),
        rename: async (a, b) => (crash(), realFileOps.rename(a, b)),
      };
      await expect(new RunStore(dir, flaky).saveCheckpoint({ ...record, epochsDone: 2 }, model, optimizer)).rejects.toThrow('simulated crash');
      const reread = await good.read(record.id);
      expect(reread.checkpoint).toBe(record.checkpoint);
      expect(await predictions(await good.loadModel(record.id))).toEqual(before);
    }
    // No temporary leftovers: only run.json and the one checkpoint.
    expect(readdirSync(good.dir(record.id)).sort()).toEqual([record.checkpoint, 'run.json'].sort());
  });

  it('skips a torn last metrics line and refuses bad run ids and bad model folders', async () => {
    const store = new RunStore(root());
    const record = await store.create({ spec, dataDir: 'mnist', backend: 'wasm' });
    await store.appendMetric(record.id, { event: 'epoch', ...epochMetrics(1) });
    const [line] = readFileSync(join(store.dir(record.id), 'metrics.jsonl'), 'utf8').split('\n');
    await realFileOps.writeFile(join(store.dir(record.id), 'metrics.jsonl'), `${line}\n{"event":"epoch","epoch":2}\n{"event":"ep`);
    expect(await store.readMetrics(record.id)).toEqual([{ event: 'epoch', ...epochMetrics(1) }]);
    expect(() => store.dir('../etc')).toThrow(/not valid/);
    await expect(store.loadModel(record.id)).rejects.toThrow(/no saved model yet/);
    await expect(readModel(store.dir(record.id))).rejects.toThrow(/model\.json: missing/);
    expect(existsSync(join(store.dir(record.id), 'run.json'))).toBe(true);
  });
});

// A pid far above Linux's pid_max (4,194,304) is never a live process.
const DEAD_PID = 99_999_999;

describe('interrupted runs', () => {
  it('read as stopped and interrupted when the process that was training them is gone', async () => {
    const store = new RunStore(root());
    const alive = await store.create({ spec, dataDir: 'mnist', backend: 'wasm' });
    expect(await store.read(alive.id)).toMatchObject({ status: 'running', pid: process.pid });
    expect((await store.read(alive.id)).interrupted).toBeUndefined();
    const saved = await store.saveCheckpoint({ ...alive, epochsDone: 1 }, createModel(spec), null);
    await store.writeRecord({ ...saved, pid: DEAD_PID });
    expect(await store.read(alive.id)).toMatchObject({ status: 'stopped', interrupted: true });
  });

  it('read as failed, and can be deleted, when the process died before the first checkpoint', async () => {
    const store = new RunStore(root());
    const run = await store.create({ spec, dataDir: 'mnist', backend: 'wasm', pid: DEAD_PID });
    expect(await store.read(run.id)).toMatchObject({ status: 'failed', interrupted: true, error: DIED_BEFORE_CHECKPOINT });
    expect(isResumable(await store.read(run.id))).toBe(false);
    await store.remove(run.id);
    expect(await store.list()).toEqual([]);
  });
});
