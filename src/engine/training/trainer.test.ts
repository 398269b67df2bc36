import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { RunStore } from '../store/runs.ts';
import { realFileOps } from '../store/atomic.ts';
import { UserError } from '../errors.ts';
import { defaultSpec } from '../../shared/spec.ts';
import { startTraining } from './trainer.ts';
import type { TrainingEvent } from './training-messages.ts';

// Every worker this file's trainings start, so that a test can kill one.
const started = vi.hoisted(() => [] as Worker[]);
vi.mock('../runtime/workers.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../runtime/workers.ts')>();
  return { ...real, spawnWorker: (...args: Parameters<typeof real.spawnWorker>) => started[started.push(real.spawnWorker(...args)) - 1] };
});

describe('training in a worker thread', () => {
  it('reports progress, stops mid-run on request and saves what it had', async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), 'runs-'));
    const events: TrainingEvent[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const handle = startTraining({ spec: { ...defaultSpec(), epochs: 5, batchSize: 50 }, trainLimit: 2000, testLimit: 100, runsRoot }, (event) => {
      events.push(event);
      if (event.type === 'batch' && event.progress.epoch === 2) handle.stop();
    });
    const run = await handle.done;
    clearInterval(timer);
    expect(run.status).toBe('stopped');
    expect(run.epochsDone).toBe(1);
    expect(events[0].type).toBe('started');
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'done', stopped: true });
    // The caller's event loop kept running while the worker trained.
    expect(ticks).toBeGreaterThan(5);
    const store = new RunStore(runsRoot);
    expect((await store.read(run.id)).status).toBe('stopped');
    await expect(store.loadModel(run.id)).resolves.toBeDefined();
    const metrics = (await store.readMetrics(run.id)) as { event: string }[];
    expect(metrics.some((m) => m.event === 'epoch')).toBe(true);
  });

  it('resumes a stopped run from its checkpoint to the end', async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), 'runs-'));
    const spec = { ...defaultSpec(), epochs: 2, batchSize: 100 };
    const first = startTraining({ spec, trainLimit: 500, testLimit: 100, runsRoot }, (e) => e.type === 'epoch' && first.stop());
    const stopped = await first.done;
    expect(stopped).toMatchObject({ status: 'stopped', epochsDone: 1 });
    const epochs: number[] = [];
    const resumed = await startTraining(
      { spec, trainLimit: 500, testLimit: 100, runsRoot, resumeId: stopped.id },
      (e) => e.type === 'epoch' && epochs.push(e.metrics.epoch),
    ).done;
    expect(resumed).toMatchObject({ id: stopped.id, status: 'done', epochsDone: 2 });
    expect(epochs).toEqual([2]);
  });

  it('reports a bad data folder as an error event and a rejection', async () => {
    const events: TrainingEvent[] = [];
    const handle = startTraining({ spec: defaultSpec(), dataDir: '/no/such/folder', runsRoot: mkdtempSync(join(tmpdir(), 'runs-')) }, (e) =>
      events.push(e),
    );
    // A user error, which the command line reports with exit code 2.
    await expect(handle.done).rejects.toThrow(UserError);
    await expect(handle.done).rejects.toThrow(/no such folder/);
    expect(events).toEqual([{ type: 'error', runId: null, message: expect.stringMatching(/no such folder/), user: true }]);
  });

  it('marks the run failed, keeping its checkpoint, when the training thread dies mid-run', async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), 'runs-'));
    const events: TrainingEvent[] = [];
    const before = started.length;
    const handle = startTraining({ spec: { ...defaultSpec(), epochs: 50, batchSize: 50 }, trainLimit: 500, testLimit: 100, runsRoot }, (event) => {
      events.push(event);
      // Killed in the second epoch, once the first one's checkpoint is saved.
      if (event.type === 'batch' && event.progress.epoch === 2) void started[before].terminate();
    });
    await expect(handle.done).rejects.toThrow(/training stopped unexpectedly/);
    const runId = events[0].type === 'started' ? events[0].run.id : '';
    expect(events.at(-1)).toEqual({ type: 'error', runId, message: expect.stringMatching(/training stopped unexpectedly/) });
    const record = await new RunStore(runsRoot).read(runId);
    expect(record).toMatchObject({ status: 'failed', epochsDone: 1, error: expect.stringMatching(/training stopped unexpectedly/) });
    await expect(new RunStore(runsRoot).loadModel(runId)).resolves.toBeDefined();
  });

  it("writes a dead thread's failure through the store it was given, whose file operations a fault can reach", async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), 'runs-'));
    const written: string[] = [];
    const store = new RunStore(runsRoot, { ...realFileOps, rename: async (from, to) => (written.push(basename(to)), realFileOps.rename(from, to)) });
    const before = started.length;
    const handle = startTraining(
      { spec: { ...defaultSpec(), epochs: 50, batchSize: 50 }, trainLimit: 500, testLimit: 100, runsRoot },
      (event) => {
        if (event.type === 'batch' && event.progress.epoch === 2) void started[before].terminate();
      },
      store,
    );
    await expect(handle.done).rejects.toThrow(/training stopped unexpectedly/);
    expect(written).toEqual(['run.json']);
  });
});
