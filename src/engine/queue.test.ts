// Queued runs (the notebook's variants): trained one after another under their names, a failing one recorded
// on its run without stopping the rest, and a stop that ends the current run and drops what is left.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventChannel, ModelSpec, RunRecord } from '../shared/contract.ts';
import { defaultSpec } from '../shared/spec.ts';
import { dispatch } from './dispatch.ts';
import { Studio } from './studio.ts';

const tiny: ModelSpec = {
  ...defaultSpec(),
  conv: [{ filters: 2, kernelSize: 5, padding: 'same', pool: 'max', poolSize: 2, poolStride: 2 }],
  dense: [16],
  batchSize: 50,
  epochs: 1,
  seed: 1,
};
const items = [
  { name: 'baseline', spec: tiny },
  { name: 'tanh', spec: { ...tiny, activation: 'tanh' as const } },
  { name: 'dense 8', spec: { ...tiny, dense: [8] } },
];
const limits = { trainLimit: 200, testLimit: 50 };

let studio: Studio | undefined;
afterEach(async () => {
  delete process.env.DIGIT_STUDIO_INJECT_ENOSPC;
  await studio?.close();
});

async function open(): Promise<Studio> {
  studio = await Studio.open({ userDir: mkdtempSync(join(tmpdir(), 'user-')), transport: 'websocket', version: 'test' });
  return studio;
}

/** Every event of the studio, in order. */
function record(s: Studio): { channel: EventChannel; payload: unknown }[] {
  const events: { channel: EventChannel; payload: unknown }[] = [];
  s.onEvent((channel, payload) => events.push({ channel, payload }));
  return events;
}

/** Resolves once the queue has ended (nothing training, nothing left queued). */
async function queueEnded(s: Studio) {
  for (;;) {
    const status = await s.handlers['training:status'](undefined);
    if (!status.running) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const oldestFirst = (runs: Awaited<ReturnType<Studio['handlers']['runs:list']>>) => [...runs].reverse() as RunRecord[];

describe('a queue of runs', () => {
  it('trains its items in order, each run named after its item, and tells what is queued', async () => {
    const s = await open();
    expect(await dispatch(s, 'training:queue', { items, ...limits })).toEqual({ ok: true, value: { queued: 3 } });
    const during = await s.handlers['training:status'](undefined);
    expect(during).toMatchObject({ running: true, queue: { names: ['baseline', 'tanh', 'dense 8'], active: true, dropped: 0 } });
    // Nothing else starts while the queue is under way.
    expect(await dispatch(s, 'training:start', { spec: tiny, ...limits })).toEqual({
      ok: false,
      error: 'a training run is already in progress; stop it first',
    });
    const status = await queueEnded(s);
    const runs = oldestFirst(await s.handlers['runs:list'](undefined));
    expect(runs.map((r) => [r.name, r.status, r.spec.activation, r.spec.dense])).toEqual([
      ['baseline', 'done', 'relu', [16]],
      ['tanh', 'done', 'tanh', [16]],
      ['dense 8', 'done', 'relu', [8]],
    ]);
    expect(runs.every((r) => r.trainLimit === 200 && r.testLimit === 50)).toBe(true);
    expect(status.queue).toEqual({ names: ['baseline', 'tanh', 'dense 8'], current: 2, runIds: runs.map((r) => r.id), active: false, dropped: 0 });
  }, 120_000);

  it('goes on past a failing item, whose run records the failure', async () => {
    const s = await open();
    const events = record(s);
    let firstRun: string | null = null;
    s.onEvent((channel, payload) => {
      const runId = (payload as { runId?: string; run?: RunRecord }).runId ?? (payload as { run?: RunRecord }).run?.id;
      // The disk fills for the second item only: the worker takes a copy of the environment when it starts.
      if (channel === 'training:done' && firstRun === null) {
        firstRun = runId ?? null;
        process.env.DIGIT_STUDIO_INJECT_ENOSPC = 'ckpt-0001';
      } else if (firstRun && runId && runId !== firstRun) delete process.env.DIGIT_STUDIO_INJECT_ENOSPC;
    });
    await s.handlers['training:queue']({ items, ...limits });
    const status = await queueEnded(s);
    const runs = oldestFirst(await s.handlers['runs:list'](undefined));
    expect(runs.map((r) => [r.name, r.status])).toEqual([
      ['baseline', 'done'],
      ['tanh', 'failed'],
      ['dense 8', 'done'],
    ]);
    expect(runs[1].error).toMatch(/: the disk is full$/);
    expect(events.filter((e) => e.channel === 'training:error')).toHaveLength(1);
    expect(status.queue).toMatchObject({ runIds: runs.map((r) => r.id), active: false, dropped: 0 });
  }, 120_000);

  it('stops the current run and drops the rest when asked to stop, and says how many it dropped', async () => {
    const s = await open();
    const stopped = new Promise<unknown>((resolve) => {
      const off = s.onEvent((channel) => {
        if (channel !== 'training:progress') return;
        off();
        resolve(s.handlers['training:stop'](undefined));
      });
    });
    await s.handlers['training:queue']({ items, trainLimit: 2000, testLimit: 50 });
    expect(await stopped).toEqual({ stopping: true, dropped: 2 });
    const status = await queueEnded(s);
    const runs = oldestFirst(await s.handlers['runs:list'](undefined));
    expect(runs.map((r) => [r.name, r.status])).toEqual([['baseline', 'stopped']]);
    expect(status.queue).toMatchObject({ names: ['baseline', 'tanh', 'dense 8'], current: 0, runIds: [runs[0].id], active: false, dropped: 2 });
    // A new queue may start once the stopped one has ended.
    expect(await dispatch(s, 'training:queue', { items: items.slice(0, 1), ...limits })).toEqual({ ok: true, value: { queued: 1 } });
    await queueEnded(s);
  }, 120_000);

  it('goes no further when the studio closes mid-queue (the app quitting)', async () => {
    const s = await open();
    const closed = new Promise<void>((resolve) => {
      const off = s.onEvent((channel) => {
        if (channel !== 'training:progress') return;
        off();
        void s.close().then(resolve);
      });
    });
    await s.handlers['training:queue']({ items, trainLimit: 2000, testLimit: 50 });
    await closed;
    const status = await queueEnded(s);
    expect(status.queue).toMatchObject({ active: false, dropped: 2 });
    expect(oldestFirst(await s.handlers['runs:list'](undefined)).map((r) => [r.name, r.status])).toEqual([['baseline', 'stopped']]);
  }, 120_000);
});
