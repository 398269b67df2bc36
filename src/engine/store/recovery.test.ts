import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { killedAt } from '../testing/killed.ts';
import { initBackend } from '../runtime/backend.ts';
import { createModel, createOptimizer } from '../model/model.ts';
import { DIED_BEFORE_CHECKPOINT, RunStore } from './runs.ts';
import { readModel } from '../model/model-io.ts';
import { defaultSpec } from '../../shared/spec.ts';
import { isResumable } from '../../shared/types.ts';

// Small enough that each of the many simulated kills saves in milliseconds.
const spec = {
  ...defaultSpec(),
  conv: [{ filters: 2, kernelSize: 5, padding: 'same' as const, pool: 'max' as const, poolSize: 2, poolStride: 2 }],
  dense: [8],
  epochs: 2,
};
// A pid far above Linux's pid_max (4,194,304): the process that wrote these runs is gone.
const DEAD_PID = 99_999_999;
// Another process that lives (the one that started these tests): a run it trains is left alone.
const LIVE_PID = process.ppid;
// Temporary folders younger than a minute may be another process's save in progress: look from later on.
const LATER = () => Date.now() + 5 * 60_000;

const metrics = (epoch: number) => ({
  epoch,
  epochs: 2,
  loss: 1 / epoch,
  accuracy: 0.8,
  valLoss: 1 / epoch,
  valAccuracy: 0.8,
  seconds: 1,
  samplesPerSecond: 100,
});
const batch = (epoch: number, b: number) => ({
  event: 'batch' as const,
  epoch,
  epochs: 2,
  batch: b,
  batches: 2,
  loss: 1,
  accuracy: 0.5,
  samplesPerSecond: 100,
  etaSeconds: 1,
});

beforeAll(async () => {
  await initBackend({ want: 'wasm' });
});

/** What the training worker writes for a two-epoch run, in the same order. */
async function trainTwoEpochs(store: RunStore): Promise<void> {
  const model = createModel(spec);
  const optimizer = createOptimizer(spec);
  let record = await store.create({ spec, dataDir: 'mnist', backend: 'wasm', pid: DEAD_PID });
  for (const epoch of [1, 2]) {
    await store.appendMetric(record.id, batch(epoch, 1));
    await store.appendMetric(record.id, batch(epoch, 2));
    record = await store.saveCheckpoint({ ...record, epochsDone: epoch, last: metrics(epoch) }, model, optimizer);
    await store.appendMetric(record.id, { event: 'epoch', ...metrics(epoch) });
  }
  await store.writeRecord({ ...record, status: 'done' });
  model.dispose();
  optimizer.dispose();
}

describe('recovery on open', () => {
  it('after a kill between any two writes, leaves no orphan or temporary folder, loses no saved epoch and can resume or discard', async () => {
    const outcomes = new Set<string>();
    let n = 1;
    for (; ; n++) {
      const root = mkdtempSync(join(tmpdir(), 'runs-'));
      const finished = await trainTwoEpochs(new RunStore(root, killedAt(n))).then(
        () => true,
        (err: Error) => (expect(err.message).toMatch(/killed/), false),
      );
      const store = new RunStore(root);
      await store.recover(LATER());
      const left = readdirSync(root);
      expect(
        left.every((name) => /^\d{8}-\d{6}-[0-9a-f]{4}$/.test(name)),
        `kill at write ${n} left ${left}`,
      ).toBe(true);
      const runs = await store.list();
      expect(runs.length).toBeLessThanOrEqual(1);
      for (const run of runs) {
        if (run.status === 'unreadable') throw new Error(`kill at write ${n}: ${run.error}`);
        const history = await store.history(run.id);
        // Every epoch whose checkpoint was saved has its metrics line, rebuilt from run.json if the kill lost it.
        expect(history.epochs.map((e) => e.epoch)).toEqual([1, 2].slice(0, run.epochsDone));
        expect(
          readdirSync(store.dir(run.id)).filter(
            (name) => name.startsWith('.') || (name.startsWith('ckpt-') && name !== run.checkpoint && name !== run.previousCheckpoint),
          ),
        ).toEqual([]);
        // Every finished epoch keeps its weights, and no epoch past the record's does.
        expect(await store.keptEpochs(run.id)).toEqual([1, 2].slice(0, run.epochsDone));
        expect(readdirSync(store.dir(run.id)).filter((name) => name.startsWith('epoch-'))).toHaveLength(run.epochsDone);
        for (const epoch of await store.keptEpochs(run.id)) await expect(readModel(store.epochDir(run.id, epoch))).resolves.toBeDefined();
        if (run.checkpoint) {
          await expect(store.loadModel(run.id)).resolves.toBeDefined();
          // Killed with every epoch saved is done; before that, stopped and resumable.
          expect(run.status).toBe(run.epochsDone === 2 ? 'done' : 'stopped');
        } else {
          expect(run).toMatchObject({ status: 'failed', interrupted: true, error: DIED_BEFORE_CHECKPOINT });
        }
        outcomes.add(`${run.status}:${run.epochsDone}`);
      }
      if (runs.length === 0) outcomes.add('no run');
      // Recovery wrote what it found down: a second pass has nothing left to do.
      expect(await store.recover(LATER())).toEqual({ swept: [], repaired: [] });
      if (finished) break;
    }
    expect(n).toBeGreaterThan(20);
    expect([...outcomes].sort()).toEqual(['done:2', 'failed:0', 'no run', 'stopped:1']);
  });

  it('a run left running under this very process (its engine thread died) is interrupted on the next open, not running for ever', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runs-'));
    const writer = new RunStore(root);
    const model = createModel(spec);
    const optimizer = createOptimizer(spec);
    let record = await writer.create({ spec, dataDir: 'mnist', backend: 'wasm' });
    record = await writer.saveCheckpoint({ ...record, epochsDone: 1, last: metrics(1) }, model, optimizer);
    model.dispose();
    optimizer.dispose();
    expect(record).toMatchObject({ status: 'running', pid: process.pid });
    const reopened = new RunStore(root);
    await reopened.recover(LATER());
    expect(await reopened.read(record.id)).toMatchObject({ status: 'stopped', interrupted: true, epochsDone: 1 });
    expect(isResumable((await reopened.list())[0])).toBe(true);
  });

  it('sweeps run folders that never got their run.json and old temporary folders, and leaves live runs and fresh saves alone', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runs-'));
    const store = new RunStore(root);
    const live = await store.create({ spec, dataDir: 'mnist', backend: 'wasm', pid: LIVE_PID });
    mkdirSync(join(store.dir(live.id), '.ckpt-0001-abcd.tmp-0123abcd'));
    mkdirSync(join(root, '20261127-203000-1a2b'));
    mkdirSync(join(root, '.20261127-203001-1a2b.tmp-89abcdef'));
    expect(await store.recover()).toEqual({ swept: ['20261127-203000-1a2b'], repaired: [] });
    expect(existsSync(join(root, '.20261127-203001-1a2b.tmp-89abcdef'))).toBe(true);
    expect((await store.recover(LATER())).swept).toEqual(['.20261127-203001-1a2b.tmp-89abcdef']);
    expect(readdirSync(store.dir(live.id)).sort()).toEqual(['.ckpt-0001-abcd.tmp-0123abcd', 'run.json']);
  });

  it('lists a run whose run.json is corrupt as unreadable, with the reason, and lets it be deleted', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runs-'));
    const store = new RunStore(root);
    const [torn, wrong, good] = [
      await store.create({ spec, dataDir: 'mnist', backend: 'wasm', pid: LIVE_PID }),
      await store.create({ spec, dataDir: 'mnist', backend: 'wasm', pid: LIVE_PID }),
      await store.create({ spec, dataDir: 'mnist', backend: 'wasm', pid: LIVE_PID }),
    ];
    writeFileSync(join(store.dir(torn.id), 'run.json'), '{"id": "x", "spec": {');
    writeFileSync(join(store.dir(wrong.id), 'run.json'), JSON.stringify({ ...wrong, status: 'exploded', epochsDone: -1 }));
    await store.recover(LATER());
    const runs = await store.list();
    expect(runs).toHaveLength(3);
    expect(runs.find((r) => r.id === good.id)?.status).toBe('running');
    expect(runs.find((r) => r.id === torn.id)).toEqual({
      id: torn.id,
      status: 'unreadable',
      error: `${join(store.dir(torn.id), 'run.json')}: not valid JSON`,
    });
    expect(runs.find((r) => r.id === wrong.id)).toMatchObject({
      status: 'unreadable',
      error: expect.stringMatching(/not a run record \(status: .*; epochsDone: /),
    });
    await store.remove(torn.id);
    await store.remove(wrong.id);
    expect((await store.list()).map((r) => r.id)).toEqual([good.id]);
  });

  it('falls back to the checkpoint before when the current one is damaged, losing one epoch, and the run resumes from there', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runs-'));
    const store = new RunStore(root);
    await trainTwoEpochs(store);
    const [before] = await store.list();
    if (before.status === 'unreadable') throw new Error(before.error);
    expect(before).toMatchObject({ status: 'done', epochsDone: 2, previousCheckpoint: expect.stringMatching(/^ckpt-0001-/) });
    truncateSync(join(store.dir(before.id), before.checkpoint!, 'weights.bin'), 1000);
    await store.recover(LATER());
    const after = await store.read(before.id);
    expect(after).toMatchObject({ status: 'stopped', interrupted: true, epochsDone: 1, checkpoint: before.previousCheckpoint, last: metrics(1) });
    expect(isResumable(after)).toBe(true);
    await expect(store.loadModel(before.id)).resolves.toBeDefined();
    // The damaged checkpoint and the weights of the epoch it held are gone: resuming trains that epoch again.
    expect(readdirSync(store.dir(before.id)).sort()).toEqual([before.previousCheckpoint, 'epoch-0001', 'metrics.jsonl', 'run.json']);
    expect((await store.history(before.id)).epochs.map((e) => e.epoch)).toEqual([1]);
  });

  it('rebuilds a damaged run.json from the copy kept in its newest whole checkpoint', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runs-'));
    const store = new RunStore(root);
    await trainTwoEpochs(store);
    const [before] = await store.list();
    if (before.status === 'unreadable') throw new Error(before.error);
    writeFileSync(join(store.dir(before.id), 'run.json'), '{"id": "x", "spec": {');
    // The copies name a process that is still alive (this one): the damaged run.json is rebuilt all the same.
    for (const name of [before.checkpoint!, before.previousCheckpoint!]) {
      const copy = join(store.dir(before.id), name, 'record.json');
      writeFileSync(copy, JSON.stringify({ ...JSON.parse(readFileSync(copy, 'utf8')), pid: process.pid }));
    }
    await store.recover(LATER());
    expect(await store.read(before.id)).toMatchObject({ status: 'done', epochsDone: 2, checkpoint: before.checkpoint });
    // Both damaged: the checkpoint before answers.
    writeFileSync(join(store.dir(before.id), 'run.json'), 'garbage');
    truncateSync(join(store.dir(before.id), before.checkpoint!, 'weights.bin'), 10);
    await store.recover(LATER());
    expect(await store.read(before.id)).toMatchObject({ status: 'stopped', epochsDone: 1, checkpoint: before.previousCheckpoint });
    await expect(store.loadModel(before.id)).resolves.toBeDefined();
  });

  it('with both checkpoints damaged, cut short or zero-filled, falls back to the newest whole epoch copy', async () => {
    for (const harm of [(file: string) => truncateSync(file, 1000), (file: string) => writeFileSync(file, Buffer.alloc(statSync(file).size))]) {
      const root = mkdtempSync(join(tmpdir(), 'runs-'));
      const store = new RunStore(root);
      await trainTwoEpochs(store);
      const [before] = await store.list();
      if (before.status === 'unreadable') throw new Error(before.error);
      for (const name of [before.checkpoint!, before.previousCheckpoint!]) harm(join(store.dir(before.id), name, 'weights.bin'));
      await store.recover(LATER());
      const after = await store.read(before.id);
      expect(after).toMatchObject({ status: 'done', epochsDone: 2, checkpoint: expect.stringMatching(/^ckpt-0002-/), last: metrics(2) });
      expect(after.checkpoint).not.toBe(before.checkpoint);
      // The epoch's weights, not zeros: the model answers as the one saved after epoch 2.
      const model = await store.loadModel(before.id);
      const epoch = await readModel(store.epochDir(before.id, 2));
      expect(Array.from(model.getWeights()[0].dataSync())).toEqual(Array.from(epoch.getWeights()[0].dataSync()));
      expect(readdirSync(store.dir(before.id)).sort()).toEqual([after.checkpoint, 'epoch-0001', 'epoch-0002', 'metrics.jsonl', 'run.json']);
    }
  });

  it('a zero-filled current checkpoint is damaged too: the checkpoint before answers', async () => {
    const store = new RunStore(mkdtempSync(join(tmpdir(), 'runs-')));
    await trainTwoEpochs(store);
    const [before] = await store.list();
    if (before.status === 'unreadable') throw new Error(before.error);
    const weights = join(store.dir(before.id), before.checkpoint!, 'weights.bin');
    writeFileSync(weights, Buffer.alloc(statSync(weights).size));
    await expect(readModel(join(store.dir(before.id), before.checkpoint!))).rejects.toThrow(/the weights of .* are all zeros; the file is damaged/);
    await store.recover(LATER());
    expect(await store.read(before.id)).toMatchObject({ status: 'stopped', epochsDone: 1, checkpoint: before.previousCheckpoint });
  });

  it('with every copy damaged, the run is failed and names the damage instead of listing as done', async () => {
    const store = new RunStore(mkdtempSync(join(tmpdir(), 'runs-')));
    await trainTwoEpochs(store);
    const [before] = await store.list();
    if (before.status === 'unreadable') throw new Error(before.error);
    for (const name of [before.checkpoint!, before.previousCheckpoint!, 'epoch-0001', 'epoch-0002'])
      truncateSync(join(store.dir(before.id), name, 'weights.bin'), 10);
    await store.recover(LATER());
    expect(await store.read(before.id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^its saved model is damaged \(weights.bin has 10 bytes.*\) and no epoch's copy is whole$/),
    });
  });
});
