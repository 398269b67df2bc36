import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventChannel, EventPayloads, ModelSpec } from '../shared/contract.ts';
import { defaultSpec } from '../shared/spec.ts';
import { dispatch } from './dispatch.ts';
import { createModel } from './model/model.ts';
import { bundledModelDir } from './model/bundled.ts';
import type { Evaluation } from './model/evaluate.ts';
import { type FileOps, realFileOps } from './store/atomic.ts';
import { type RunRecord, RunStore } from './store/runs.ts';
import { Studio, type StudioOptions } from './studio.ts';

const tinySpec: ModelSpec = {
  ...defaultSpec(),
  conv: [{ filters: 4, kernelSize: 5, padding: 'same', pool: 'max', poolSize: 2, poolStride: 2 }],
  dense: [32],
  batchSize: 50,
  epochs: 2,
  seed: 1,
};

const open = (options: Partial<StudioOptions> = {}) =>
  Studio.open({ userDir: mkdtempSync(join(tmpdir(), 'user-')), transport: 'websocket', version: 'test', ...options });

/** A run with an untrained checkpoint, written straight into the studio's runs folder. */
async function savedRun(userDir: string): Promise<RunRecord> {
  const store = new RunStore(join(userDir, 'runs'));
  const model = createModel(tinySpec);
  const run = await store.create({ spec: tinySpec, dataDir: 'mnist', backend: 'wasm' });
  const saved = await store.saveCheckpoint({ ...run, epochsDone: 1, status: 'stopped', pid: undefined }, model, null);
  model.dispose();
  return saved;
}

const field = Array.from({ length: 784 }, (_, i) => (i % 28 > 10 && i % 28 < 16 ? 1 : 0));

describe('choosing the model', () => {
  it('switches for this session, and says the choice will not be remembered, when saving it fails (a read-only home)', async () => {
    const userDir = mkdtempSync(join(tmpdir(), 'user-'));
    const readOnly: FileOps = {
      ...realFileOps,
      writeFile: async (path, data) => {
        if (String(path).includes('settings.json')) throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
        return realFileOps.writeFile(path, data);
      },
    };
    const studio = await open({ userDir, fileOps: readOnly });
    const run = await savedRun(userDir);
    const changes: unknown[] = [];
    studio.onEvent((channel, payload) => channel === 'model:changed' && changes.push(payload));
    const before = await studio.handlers['model:predict']({ field });
    const active = await studio.handlers['runs:activate']({ id: run.id });
    expect(active).toMatchObject({ id: run.id, unsaved: expect.stringContaining(`${join(userDir, 'settings.json')}: the file system is read-only`) });
    expect((await studio.handlers['app:info'](undefined)).activeModel.id).toBe(run.id);
    expect(await studio.handlers['model:predict']({ field })).not.toEqual(before);
    expect(changes).toEqual([active]);
    // Nothing was saved: the next start opens with the bundled model.
    const next = await open({ userDir });
    expect((await next.handlers['app:info'](undefined)).activeModel.id).toBe('bundled');
  });
});

describe('evaluation', () => {
  it('runs one evaluation at a time, whatever the model, and shares the one running for the same model', async () => {
    let running = 0;
    let most = 0;
    const evaluated: string[] = [];
    // Every evaluation waits for the test's word, so that all the asks below happen while the first is in flight.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const evaluate = async (dir: string): Promise<Evaluation> => {
      running++;
      most = Math.max(most, running);
      evaluated.push(dir);
      await released;
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      return { loss: 0.1, accuracy: 0.9, confusion: [], perClassAccuracy: [], perClass: [], errors: [], count: 10_000 };
    };
    const userDir = mkdtempSync(join(tmpdir(), 'user-'));
    const studio = await open({ userDir, evaluate });
    const [a, b] = [await savedRun(userDir), await savedRun(userDir)];
    const h = studio.handlers;
    const asked = [h['model:evaluate'](undefined)];
    await h['runs:activate']({ id: a.id });
    asked.push(h['model:evaluate'](undefined), h['model:evaluate'](undefined));
    await h['runs:activate']({ id: b.id });
    asked.push(h['model:evaluate'](undefined));
    await h['runs:activate']({ id: 'bundled' });
    asked.push(h['model:evaluate'](undefined));
    release();
    const results = await Promise.all(asked);
    expect(most).toBe(1);
    const store = new RunStore(join(userDir, 'runs'));
    expect(evaluated).toEqual([bundledModelDir(), await store.checkpointDir(a.id), await store.checkpointDir(b.id)]);
    expect(results.map((r) => r.model.id)).toEqual(['bundled', a.id, a.id, b.id, 'bundled']);
    expect(results[2]).toBe(results[1]);
    expect(results[4]).toBe(results[0]);
  });
});

describe('deleting runs', () => {
  it('refuses to delete the active run while another process trains it, and keeps it active', async () => {
    const userDir = mkdtempSync(join(tmpdir(), 'user-'));
    const studio = await open({ userDir });
    const run = await savedRun(userDir);
    await studio.handlers['runs:activate']({ id: run.id });
    // The command line (this test's own process stands in for it) goes on training the run.
    await new RunStore(join(userDir, 'runs')).writeRecord({ ...run, status: 'running', pid: process.pid });
    const reply = await dispatch(studio, 'runs:delete', { id: run.id });
    expect(reply).toEqual({ ok: false, error: `run ${run.id} is training (process ${process.pid}); stop it before deleting it` });
    expect((await studio.handlers['app:info'](undefined)).activeModel.id).toBe(run.id);
    expect(readdirSync(join(userDir, 'runs'))).toEqual([run.id]);
  });

  it('refuses . and .. (and any id not of the run shape) and deletes nothing', async () => {
    const userDir = mkdtempSync(join(tmpdir(), 'user-'));
    const studio = await open({ userDir });
    const run = await savedRun(userDir);
    for (const id of ['.', '..', '../..', 'runs']) {
      expect(await dispatch(studio, 'runs:delete', { id })).toEqual({
        ok: false,
        error: 'runs:delete: invalid payload (id: a run id looks like 20261127-203000-1a2b)',
      });
    }
    expect(readdirSync(join(userDir, 'runs'))).toEqual([run.id]);
    expect(await dispatch(studio, 'runs:delete', { id: run.id })).toEqual({ ok: true, value: { deleted: true } });
    expect(readdirSync(join(userDir, 'runs'))).toEqual([]);
  });
});

describe('a run stopped mid-epoch, failed on a full disk, and resumed from a form that says otherwise', () => {
  const userDir = mkdtempSync(join(tmpdir(), 'user-'));
  let studio: Studio;
  let runId: string;
  const resumed: EventPayloads['training:progress'][] = [];
  let liveSteps: number[] = [];

  /** Resolves with the payload of the next event on `channel` that passes `test`. */
  const next = <E extends EventChannel>(channel: E, test: (p: EventPayloads[E]) => boolean = () => true) =>
    new Promise<EventPayloads[E]>((resolve) => {
      const off = studio.onEvent((c, payload) => {
        if ((c as EventChannel) !== channel || !test(payload as EventPayloads[E])) return;
        off();
        resolve(payload as EventPayloads[E]);
      });
    });

  beforeAll(async () => {
    studio = await open({ userDir });
    const h = studio.handlers;
    // 3,000 samples at 50 a batch: 60 batches an epoch. Stop as soon as the second epoch has begun.
    const secondEpoch = next('training:progress', (p) => p.progress.epoch === 2).then(() => h['training:stop'](undefined));
    const stopped = next('training:done');
    ({ runId } = await h['training:start']({ spec: tinySpec, trainLimit: 3000, testLimit: 100 }));
    await secondEpoch;
    expect((await stopped).run).toMatchObject({ status: 'stopped', epochsDone: 1 });
    const lines = readFileSync(join(userDir, 'runs', runId, 'metrics.jsonl'), 'utf8');
    expect(lines).toMatch(/"event":"batch","epoch":2,/);
    // As the worker leaves it when the disk fills during a save: failed, with its last checkpoint intact.
    const store = new RunStore(join(userDir, 'runs'));
    await store.writeRecord({ ...(await store.read(runId)), status: 'failed', error: 'runs: the disk is full' });

    studio.onEvent((channel, payload) => channel === 'training:progress' && resumed.push(payload as EventPayloads['training:progress']));
    const done = next('training:done');
    // The form now holds another spec and no sample limits (all 60,000).
    await h['training:start']({ spec: { ...tinySpec, epochs: 5, batchSize: 200, dense: [64] }, resumeId: runId });
    expect((await done).stopped).toBe(false);
    liveSteps = (await h['training:status'](undefined)).batches.map((p) => p.step);
  }, 120_000);

  afterAll(() => studio?.close());

  it("resumes with the run's own spec, sample limits and data, whatever the request says", async () => {
    expect(resumed.length).toBeGreaterThan(0);
    expect(new Set(resumed.map((p) => `${p.progress.batches} batches of ${p.progress.epochs} epochs`))).toEqual(new Set(['60 batches of 2 epochs']));
    const [run] = await studio.handlers['runs:list'](undefined);
    expect(run).toMatchObject({ id: runId, status: 'done', epochsDone: 2, trainLimit: 3000, testLimit: 100, spec: tinySpec });
    expect(run.status === 'done' && run.error).toBeFalsy();
  });

  it('reads as one clean run: every step once, in order, in runs:metrics and in the live status', async () => {
    const metrics = await studio.handlers['runs:metrics']({ id: runId });
    const steps = metrics.batches.map((p) => p.step);
    const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]);
    expect(increasing(steps)).toBe(true);
    expect(steps.at(-1)).toBe(120);
    expect(metrics.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(increasing(liveSteps)).toBe(true);
    expect(liveSteps.at(-1)).toBe(120);
    expect(existsSync(join(userDir, 'runs', runId, 'run.json'))).toBe(true);
  });
});
