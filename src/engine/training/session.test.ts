// The training session's one guard, over the contract: whatever is under way (a run, a queue, a fine-tune being
// prepared), every other start is refused at once with the same message, before it reads anything. A stand-in
// trainer keeps these tests free of worker threads and of any clock.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../shared/contract.ts';
import { PIXELS } from '../../shared/mnist.ts';
import { defaultSpec } from '../../shared/spec.ts';
import { dispatch } from '../dispatch.ts';
import { Studio } from '../studio.ts';
import { BUSY_MESSAGE } from './session.ts';
import type { startTraining, TrainingHandle } from './trainer.ts';
import type { TrainingJob } from './training-messages.ts';

/** A trainer that starts each job at once and ends it only when the test says so. */
function standInTrainer() {
  const jobs: { job: TrainingJob; end: () => void }[] = [];
  const train: typeof startTraining = (job, onEvent) => {
    const run = { id: `run-${jobs.length + 1}`, status: 'running' } as RunRecord;
    let end!: () => void;
    const done = new Promise<RunRecord>((resolve) => {
      end = () => {
        onEvent({ type: 'done', run: { ...run, status: 'done' }, stopped: false });
        resolve(run);
      };
    });
    jobs.push({ job, end });
    queueMicrotask(() => onEvent({ type: 'started', run }));
    return { stop: () => end(), done, annotate: async () => null } satisfies TrainingHandle;
  };
  return { train, jobs };
}

const spec = { ...defaultSpec(), epochs: 1 };
const queue = {
  items: [
    { name: 'baseline', spec },
    { name: 'tanh', spec: { ...spec, activation: 'tanh' as const } },
  ],
  trainLimit: 100,
};
const finetune = { epochs: 1, learningRate: 0.0001, heldOut: 0.25 };
const drawing = (k: number) => ({
  strokes: [{ width: 10, points: [[5, 5] as [number, number]] }],
  canvas: { width: 280, height: 280 },
  png: '',
  field: Array.from({ length: PIXELS }, (_, i) => (i === 300 + k ? 1 : 0)),
});

let studio: Studio | undefined;
afterEach(() => studio?.close());

async function open() {
  const trainer = standInTrainer();
  studio = await Studio.open({ userDir: mkdtempSync(join(tmpdir(), 'user-')), transport: 'websocket', version: 'test', train: trainer.train });
  return { studio, jobs: trainer.jobs };
}

describe('one guard for every start', () => {
  it('refuses a fine-tune while a queue runs, saying so, before reading my digits', async () => {
    const { studio: s, jobs } = await open();
    expect(await dispatch(s, 'training:queue', queue)).toEqual({ ok: true, value: { queued: 2 } });
    // No digits are saved: a fine-tune that read the collection first would answer "needs at least 10".
    expect(await dispatch(s, 'training:finetune', finetune)).toEqual({ ok: false, error: BUSY_MESSAGE });
    // Between the queue's two runs, nothing trains, and the queue still holds the session.
    jobs[0].end();
    await s.handlers['training:status'](undefined);
    expect(await dispatch(s, 'training:finetune', finetune)).toEqual({ ok: false, error: BUSY_MESSAGE });
    expect(jobs.every(({ job }) => job.finetune === undefined)).toBe(true);
  });

  it('refuses a queue or a run while a fine-tune is being prepared, and while it trains', async () => {
    const { studio: s, jobs } = await open();
    for (let k = 0; k < 12; k++) await s.handlers['digits:save']({ label: k % 10, drawing: drawing(k) });
    // Asked together: the fine-tune is still reading my digits when the queue arrives.
    const [tuned, queued, started] = await Promise.all([
      dispatch(s, 'training:finetune', finetune),
      dispatch(s, 'training:queue', queue),
      dispatch(s, 'training:start', { spec }),
    ]);
    expect(tuned).toEqual({ ok: true, value: { runId: 'run-1' } });
    expect(queued).toEqual({ ok: false, error: BUSY_MESSAGE });
    expect(started).toEqual({ ok: false, error: BUSY_MESSAGE });
    expect(await dispatch(s, 'training:queue', queue)).toEqual({ ok: false, error: BUSY_MESSAGE });
    expect(jobs).toHaveLength(1);
    expect(jobs[0].job.finetune?.mine.count).toBeGreaterThan(0);
  });

  it('frees the session when a start fails while it is prepared', async () => {
    const { studio: s, jobs } = await open();
    expect(await dispatch(s, 'training:finetune', finetune)).toEqual({ ok: false, error: expect.stringMatching(/at least 10/) });
    expect(await dispatch(s, 'training:start', { spec })).toEqual({ ok: true, value: { runId: 'run-1' } });
    expect(jobs).toHaveLength(1);
  });

  it('is idle as soon as a run says it is done: the next start is taken at once', async () => {
    const { studio: s, jobs } = await open();
    await s.handlers['training:start']({ spec });
    const next = new Promise((resolve) =>
      s.onEvent((channel) => {
        if (channel === 'training:done') resolve(dispatch(s, 'training:start', { spec }));
      }),
    );
    jobs[0].end();
    expect(await next).toEqual({ ok: true, value: { runId: 'run-2' } });
  });
});

describe('a run that fails before it starts (issue 27, item 12)', () => {
  it('is refused in the reply alone, with no error event besides', async () => {
    const failing: typeof startTraining = (_job, onEvent) => {
      queueMicrotask(() => onEvent({ type: 'error', runId: null, message: '/home/x/runs: the disk is read-only', user: true }));
      return { stop: () => undefined, done: Promise.reject(new Error('read-only')), annotate: async () => null } satisfies TrainingHandle;
    };
    studio = await Studio.open({ userDir: mkdtempSync(join(tmpdir(), 'user-')), transport: 'websocket', version: 'test', train: failing });
    const events: string[] = [];
    studio.onEvent((channel) => events.push(channel));
    const reply = await dispatch(studio, 'training:start', { spec, trainLimit: 100 });
    expect(reply).toEqual({ ok: false, error: '/home/x/runs: the disk is read-only' });
    expect(events).toEqual([]);
  });
});
