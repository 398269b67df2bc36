import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FileOps, realFileOps } from './atomic.ts';
import { initBackend, tf } from '../runtime/backend.ts';
import { limitSplit, loadDataset, type Split } from '../data/dataset.ts';
import { makeBatch } from '../data/batches.ts';
import { createModel, createOptimizer } from '../model/model.ts';
import { readModel, readOptimizer, writeModel } from '../model/model-io.ts';
import { UserError } from '../errors.ts';
import { invokeSchemas } from '../../shared/contract.ts';
import { DIED_BEFORE_CHECKPOINT, RunStore } from './runs.ts';
import { isResumable } from '../../shared/types.ts';
import { defaultSpec } from '../../shared/spec.ts';
import { train } from '../training/train.ts';

let test: Split;
let trainSplit: Split;
const spec = { ...defaultSpec(), batchSize: 100, epochs: 1 };

beforeAll(async () => {
  await initBackend({ want: 'wasm' });
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
    // No temporary leftovers: only run.json, the one checkpoint and its epoch's weights.
    expect(readdirSync(good.dir(record.id)).sort()).toEqual([record.checkpoint, 'epoch-0001', 'run.json'].sort());
  });

  it('skips a torn last metrics line and refuses bad run ids and bad model folders', async () => {
    const store = new RunStore(root());
    const record = await store.create({ spec, dataDir: 'mnist', backend: 'wasm' });
    await store.appendMetric(record.id, { event: 'epoch', ...epochMetrics(1) });
    const [line] = readFileSync(join(store.dir(record.id), 'metrics.jsonl'), 'utf8').split('\n');
    await realFileOps.writeFile(join(store.dir(record.id), 'metrics.jsonl'), `${line}\n{"event":"epoch","epoch":2}\n{"event":"ep`);
    expect(await store.readMetrics(record.id)).toEqual([{ event: 'epoch', ...epochMetrics(1) }]);
    // The next process to append (a resumed run) starts a new line instead of gluing its first line to the torn one.
    await new RunStore(store.root).appendMetric(record.id, { event: 'epoch', ...epochMetrics(2) });
    expect(await store.readMetrics(record.id)).toEqual([
      { event: 'epoch', ...epochMetrics(1) },
      { event: 'epoch', ...epochMetrics(2) },
    ]);
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
    const alive = await store.create({ spec: { ...spec, epochs: 2 }, dataDir: 'mnist', backend: 'wasm' });
    expect(await store.read(alive.id)).toMatchObject({ status: 'running', pid: process.pid });
    expect((await store.read(alive.id)).interrupted).toBeUndefined();
    const saved = await store.saveCheckpoint({ ...alive, epochsDone: 1 }, createModel(spec), null);
    await store.writeRecord({ ...saved, pid: DEAD_PID });
    expect(await store.read(alive.id)).toMatchObject({ status: 'stopped', interrupted: true });
    // Killed after its last epoch was saved but before it said so: done.
    const last = await store.saveCheckpoint({ ...saved, pid: DEAD_PID, epochsDone: 2 }, createModel(spec), null);
    expect(await store.read(alive.id)).toMatchObject({ status: 'done', epochsDone: 2, checkpoint: last.checkpoint });
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

/** A user folder holding settings.json and runs/, inside a temporary folder so that nothing real is ever at stake. */
function userFolder(): { home: string; runs: string } {
  const home = join(mkdtempSync(join(tmpdir(), 'home-')), 'user');
  mkdirSync(join(home, 'runs'), { recursive: true });
  writeFileSync(join(home, 'settings.json'), '{"activeModel":"bundled"}');
  return { home, runs: join(home, 'runs') };
}

describe('paths from requests and files', () => {
  it('refuses . and .. and any id not of the shape it makes, in the store and in the contract, and deletes nothing', async () => {
    const { home, runs } = userFolder();
    const store = new RunStore(runs);
    const run = await store.create({ spec, dataDir: 'mnist', backend: 'wasm' });
    expect(run.id).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
    for (const id of ['.', '..', '../user', 'a/b', '', 'my-run', `${run.id}/..`]) {
      await expect(store.remove(id)).rejects.toThrow(/is not valid/);
      await expect(store.read(id)).rejects.toThrow(/is not valid/);
      for (const channel of ['runs:delete', 'runs:metrics', 'runs:activate'] as const) {
        expect(invokeSchemas[channel].safeParse({ id }).success).toBe(false);
      }
    }
    expect(invokeSchemas['runs:delete'].safeParse({ id: run.id }).success).toBe(true);
    expect(existsSync(join(home, 'settings.json'))).toBe(true);
    expect((await store.list()).map((r) => r.id)).toEqual([run.id]);
  });

  it('takes the id from the folder name and never follows a checkpoint that leads out of the run', async () => {
    const { home, runs } = userFolder();
    const store = new RunStore(runs);
    const model = createModel(spec);
    const outside = join(home, 'outside');
    mkdirSync(outside);
    await writeModel(outside, model);
    const run = await store.create({ spec, dataDir: 'mnist', backend: 'wasm' });
    const saved = await store.saveCheckpoint({ ...run, epochsDone: 1, status: 'stopped' }, model, null);
    const plant = (fields: object) => writeFileSync(join(runs, run.id, 'run.json'), JSON.stringify({ ...saved, ...fields }));

    plant({ id: '..' });
    expect((await store.list()).map((r) => r.id)).toEqual([run.id]);
    expect((await store.read(run.id)).id).toBe(run.id);

    plant({ checkpoint: '../../outside' });
    expect(await store.list()).toEqual([
      { id: run.id, status: 'unreadable', error: expect.stringMatching(/run\.json: not a run record \(checkpoint: /) },
    ]);
    await expect(store.loadModel(run.id)).rejects.toThrow(/not a run record/);
    // Even handed such a record directly, finishing a save deletes nothing outside the run.
    await expect(store.saveCheckpoint({ ...saved, checkpoint: '../../outside' }, model, null)).rejects.toThrow(/is not a name inside/);
    expect(readdirSync(outside).sort()).toEqual(['model.json', 'weights.bin']);
    // The unreadable run can still be deleted, and only it.
    await store.remove(run.id);
    expect(readdirSync(home).sort()).toEqual(['outside', 'runs', 'settings.json']);
    expect(readdirSync(runs)).toEqual([]);
  });
});

describe('a full disk', () => {
  it('fails the save with a message that says so and keeps the last checkpoint, from which the run resumes', async () => {
    const store = new RunStore(root());
    const model = createModel(spec);
    const optimizer = createOptimizer(spec);
    const run = await store.create({ spec: { ...spec, epochs: 3 }, dataDir: 'mnist', backend: 'wasm' });
    const first = await store.saveCheckpoint({ ...run, epochsDone: 1 }, model, optimizer);
    const fullDisk: FileOps = {
      ...realFileOps,
      writeFile: async (path, data) => {
        if (String(path).includes('ckpt-0002')) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return realFileOps.writeFile(path, data);
      },
    };
    const error = await new RunStore(store.root, fullDisk).saveCheckpoint({ ...first, epochsDone: 2 }, model, optimizer).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(`${store.dir(run.id)}: the disk is full`);
    const after = await store.read(run.id);
    expect(after).toMatchObject({ epochsDone: 1, checkpoint: first.checkpoint });
    expect(readdirSync(store.dir(run.id)).sort()).toEqual([first.checkpoint, 'epoch-0001', 'run.json'].sort());
    expect(isResumable({ ...after, status: 'failed', error: (error as Error).message })).toBe(true);
    expect(isResumable({ ...after, status: 'done' })).toBe(false);
    await expect(store.loadModel(run.id)).resolves.toBeDefined();
  });
});

describe('specs read from disk', () => {
  it('holds a run.json to the same cost limits as a spec from the window: one too big to train is unreadable', async () => {
    const store = new RunStore(root());
    const run = await store.create({ spec, dataDir: 'mnist', backend: 'wasm' });
    const huge = {
      ...spec,
      conv: Array.from({ length: 4 }, () => ({ ...spec.conv[0], filters: 512, padding: 'same' })),
      dense: [4096, 4096, 4096, 4096],
    };
    const path = join(store.dir(run.id), 'run.json');
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), spec: huge }));
    const [entry] = await store.list();
    expect(entry).toMatchObject({ id: run.id, status: 'unreadable' });
    expect(entry.status === 'unreadable' && entry.error).toMatch(/parameters; the studio trains at most 5,000,000/);
    await expect(store.read(run.id)).rejects.toThrow(UserError);
  });
});
