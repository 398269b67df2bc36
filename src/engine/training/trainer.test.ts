import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../store/runs.ts';
import { defaultSpec } from '../../shared/spec.ts';
import { startTraining } from './trainer.ts';
import type { TrainingEvent } from './training-messages.ts';

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
    await expect(handle.done).rejects.toThrow(/no such folder/);
    expect(events).toEqual([{ type: 'error', runId: null, message: expect.stringMatching(/no such folder/) }]);
  });
});
