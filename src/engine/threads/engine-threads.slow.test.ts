// The engine in threads main owns (issue 26, item 1): requests are validated and answered there, and a thread
// that dies (killed here by a stand-in spawner) answers what it held in one line, starts again, and loses no
// run and no digit.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventChannel, EventPayloads, ModelSpec, RunListEntry } from '../../shared/contract.ts';
import { PIXELS } from '../../shared/mnist.ts';
import { defaultSpec } from '../../shared/spec.ts';
import { isResumable } from '../../shared/types.ts';
import { spawnWorker } from '../runtime/workers.ts';
import { loadDataset } from '../data/dataset.ts';
import { photoPng } from '../testing/photo.ts';
import { EngineThreads } from './engine-threads.ts';

const tinySpec: ModelSpec = {
  ...defaultSpec(),
  conv: [{ filters: 4, kernelSize: 5, padding: 'same', pool: 'max', poolSize: 2, poolStride: 2 }],
  dense: [32],
  batchSize: 50,
  epochs: 20,
  seed: 1,
};
const field = Array.from({ length: PIXELS }, (_, i) => (i % 28 > 11 && i % 28 < 16 && i > 150 && i < 630 ? 1 : 0));
const drawing = { strokes: [{ width: 10, points: [[5, 5] as [number, number]] }], canvas: { width: 280, height: 280 }, png: '', field };

/** The threads started, newest last, by role; the stand-in spawner records each so that a test can kill it. */
const started: { lane: boolean; worker: Worker }[] = [];
const threadOf = (lane: boolean) => started.filter((t) => t.lane === lane).at(-1)!.worker;
let engine: EngineThreads;
const events: { channel: EventChannel; payload: unknown }[] = [];

/** The next event on `channel` (matching `test`) from now on. */
function next<E extends EventChannel>(channel: E, test: (payload: EventPayloads[E]) => boolean = () => true): Promise<EventPayloads[E]> {
  return new Promise((resolve) => {
    const off = engine.onEvent((c, payload) => {
      if ((c as EventChannel) !== channel || !test(payload as EventPayloads[E])) return;
      off();
      resolve(payload as EventPayloads[E]);
    });
  });
}

beforeAll(async () => {
  engine = await EngineThreads.open({
    userDir: mkdtempSync(join(tmpdir(), 'threads-')),
    transport: 'websocket',
    version: 'test',
    spawn: (data) => {
      const worker = spawnWorker('engine-worker', data, new URL('./engine-threads.ts', import.meta.url).href);
      started.push({ lane: Boolean(data.options.lane), worker });
      return worker;
    },
  });
  engine.onEvent((channel, payload) => events.push({ channel, payload }));
}, 120_000);
afterAll(() => engine?.close());

describe('the engine in threads', () => {
  it('answers from its threads, validating there: a prediction from the owner, an explanation from the lane', async () => {
    expect(started.map((t) => t.lane).sort()).toEqual([false, true]);
    const predicted = await engine.answer('model:predict', { field });
    expect(predicted).toMatchObject({ ok: true, value: { label: expect.any(Number) } });
    expect(await engine.answer('model:explain', { field })).toMatchObject({ ok: true, value: { label: expect.any(Number) } });
    expect(await engine.answer('model:predict', { field: [2] })).toEqual({
      ok: false,
      error: expect.stringMatching(/^model:predict: invalid payload \(field\.0: .*\)$/),
    });
    expect(await engine.answer('no:such', {})).toEqual({ ok: false, error: 'unknown channel "no:such"' });
  });

  it('a cancelled request is answered at once, and the lane drops it unstarted while it reads a photo', async () => {
    const png = photoPng((await loadDataset()).test);
    const lane = threadOf(true);
    let replies = 0;
    const count = (message: { type: string }) => void (message.type === 'reply' && replies++);
    lane.on('message', count);
    const read = engine.answer('model:read', { png });
    const unwanted = new AbortController();
    const posted = vi.spyOn(lane, 'postMessage');
    const stale = engine.answer('model:explain', { field }, unwanted.signal);
    // Cancelled once the thread was sent it (while it reads the photo), not before.
    await vi.waitFor(() => expect(posted.mock.calls.some(([m]) => (m as { channel?: string }).channel === 'model:explain')).toBe(true));
    unwanted.abort();
    posted.mockRestore();
    const wanted = engine.answer('model:explain', { field });
    expect(await stale).toEqual({ ok: false, error: 'cancelled: a newer request replaced it' });
    expect(await read).toMatchObject({ ok: true });
    expect(await wanted).toMatchObject({ ok: true });
    // Two replies: the cancelled explanation was never computed.
    expect(replies).toBe(2);
    lane.off('message', count);
  });

  it('a killed owner thread answers what it held in one line, says so, starts again, and keeps the run and the digit', async () => {
    const saved = await engine.answer('digits:save', { label: 1, drawing });
    expect(saved.ok).toBe(true);
    const firstEpoch = next('training:epoch');
    const start = await engine.answer('training:start', { spec: tinySpec, trainLimit: 1000, testLimit: 100 });
    expect(start.ok).toBe(true);
    const { runId } = (start as { value: { runId: string } }).value;
    await firstEpoch;

    const stopped = next('engine:status', (s) => s.state === 'stopped');
    const ready = next('engine:status', (s) => s.state === 'ready');
    const held = engine.answer('model:evaluate', undefined);
    await threadOf(false).terminate();
    expect(await held).toEqual({ ok: false, error: expect.stringMatching(/^the studio's engine stopped unexpectedly \(.*\); it is starting again/) });
    expect((await stopped).message).toMatch(/stopped unexpectedly/);
    await ready;
    expect(started.filter((t) => !t.lane)).toHaveLength(2);

    const listed = await engine.answer('runs:list', undefined);
    const run = (listed as { value: RunListEntry[] }).value.find((r) => r.id === runId);
    // Before item 4's fix the run read 'running' for ever: its pid (this process) lives on.
    expect(run?.status).not.toBe('running');
    expect(run && isResumable(run) && run.epochsDone).toBeGreaterThanOrEqual(1);
    const digits = await engine.answer('digits:list', { offset: 0 });
    expect((digits as { value: { digits: { label: number }[] } }).value.digits.map((d) => d.label)).toEqual([1]);
    expect(await engine.answer('model:predict', { field })).toMatchObject({ ok: true });
  });

  it('a killed lane answers what it held in one line and the next reading is answered by a new one', async () => {
    const held = engine.answer('model:explain', { field });
    await threadOf(true).terminate();
    expect(await held).toEqual({ ok: false, error: expect.stringMatching(/^the studio's reading thread stopped unexpectedly/) });
    expect(await engine.answer('model:explain', { field })).toMatchObject({ ok: true });
    expect(started.filter((t) => t.lane)).toHaveLength(2);
    expect(events.filter((e) => e.channel === 'engine:status')).toHaveLength(2);
  });
});
