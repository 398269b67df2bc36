// The app-wide state against a fake engine: forms that say what is wrong, runs that ask before losing
// anything, and messages that say what happened.
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../shared/contract';
import { defaultSpec } from '../../../shared/spec';
import { duration, StudioState } from './studio.svelte';
import { fakeEngine } from '../testing/fake-api';

function run(id: string, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    createdAt: '2026-11-28T10:00:00Z',
    spec: defaultSpec(),
    dataDir: '/data',
    backend: 'wasm',
    status: 'done',
    epochsDone: 10,
    checkpoint: 'epoch-10',
    ...extra,
  };
}

async function setUp(answers: boolean[] = [], runs: RunRecord[] = []) {
  const api = fakeEngine();
  api.handle('runs:list', () => runs);
  api.handle('runs:metrics', () => ({ batches: [{ step: 1, loss: 1, accuracy: 0.5 }], epochs: [] }));
  api.handle('runs:delete', () => ({ deleted: true }));
  api.handle('training:start', () => ({ runId: 'new-run' }));
  const questions: string[] = [];
  const studio = new StudioState(api, (question) => (questions.push(question), answers.shift() ?? false));
  await studio.load();
  return { api, studio, questions };
}

describe('StudioState', () => {
  it('lists a model it has never seen when the engine switches to it (an import), and asks nothing for a known one', async () => {
    const { api, studio } = await setUp([], [run('20261128-100000-aaaa')]);
    const before = api.count('runs:list');
    api.emit('model:changed', { id: '20261128-100000-aaaa', label: 'known', testAccuracy: 0.98 });
    api.emit('model:changed', { id: 'bundled', label: 'bundled LeNet-5', testAccuracy: 0.99 });
    expect(api.count('runs:list')).toBe(before);
    api.emit('model:changed', { id: '20261128-110000-bbbb', label: 'imported', testAccuracy: null });
    expect(api.count('runs:list')).toBe(before + 1);
    expect(studio.activeModel?.label).toBe('imported');
  });

  it('a train limit of -5 is named as out of range and blocks Start, instead of meaning "all"', async () => {
    const { api, studio } = await setUp();
    studio.trainLimit = -5;
    expect(studio.limitIssues.trainLimit).toBe('must be at least 1 (leave empty for all)');
    expect(studio.canStart).toBe(false);
    await studio.start();
    expect(api.count('training:start')).toBe(0);
    studio.trainLimit = 70000;
    studio.testLimit = 2.5;
    expect(studio.limitIssues).toEqual({ trainLimit: 'must be at most 60,000', testLimit: 'must be a whole number' });
    studio.trainLimit = null;
    studio.testLimit = 500;
    expect(studio.canStart).toBe(true);
  });

  it('a start the engine refuses leaves Start usable again, even after an earlier run', async () => {
    const { api, studio } = await setUp();
    studio.runId = 'earlier';
    api.handle('training:start', () => Promise.reject(new Error('training:start: the engine is busy')));
    await studio.start();
    expect(studio.running).toBe(false);
    expect(studio.notice?.text).toBe('training:start: the engine is busy');
  });

  it('deleting a run asks first; declined, nothing is deleted', async () => {
    const { api, studio, questions } = await setUp([false], [run('r1')]);
    await studio.remove('r1');
    expect(questions).toHaveLength(1);
    expect(api.count('runs:delete')).toBe(0);
  });

  it('deleting the active run shown in the charts asks, says it is active, and clears the charts', async () => {
    const { api, studio, questions } = await setUp([true], [run('r1')]);
    studio.activeModel = { id: 'r1', label: 'run r1', testAccuracy: 0.98 };
    await studio.show(run('r1'));
    expect(studio.batches).toHaveLength(1);
    await studio.remove('r1');
    expect(questions[0]).toMatch(/active model/);
    expect(api.count('runs:delete')).toBe(1);
    expect(studio.batches).toEqual([]);
    expect(studio.runId).toBeNull();
  });

  it('picking an older run asks before replacing unsaved edits, and keeps them when told to', async () => {
    const older = run('r1', { spec: { ...defaultSpec(), epochs: 3 } });
    const { studio, questions } = await setUp([false, true], [older]);
    studio.spec.epochs = 7;
    await studio.show(older);
    expect(questions).toHaveLength(1);
    expect(studio.spec.epochs).toBe(7);
    expect(studio.batches).toHaveLength(1);
    await studio.show(older);
    expect(studio.spec.epochs).toBe(3);
  });

  it('picking a run with no edits replaces the spec without asking', async () => {
    const older = run('r1', { spec: { ...defaultSpec(), epochs: 3 }, trainLimit: 3000 });
    const { studio, questions } = await setUp([], [older]);
    await studio.show(older);
    expect(questions).toHaveLength(0);
    expect(studio.spec.epochs).toBe(3);
    expect(studio.trainLimit).toBe(3000);
  });

  it('resume sends the run its own limits, not what the form holds', async () => {
    const stopped = run('r1', { status: 'stopped', epochsDone: 2, trainLimit: 6000, testLimit: 500 });
    const { api, studio } = await setUp([], [stopped]);
    studio.trainLimit = 100;
    await studio.resume(stopped);
    const request = api.calls.find((c) => c.channel === 'training:start')!.payload as { trainLimit: number; testLimit: number; resumeId: string };
    expect(request).toMatchObject({ trainLimit: 6000, testLimit: 500, resumeId: 'r1' });
  });

  it('a run stopped before its first epoch does not claim a saved model', async () => {
    const { api, studio } = await setUp();
    api.emit('training:done', { run: run('r1', { status: 'stopped', epochsDone: 0 }), stopped: true });
    expect(studio.notice?.text).toMatch(/no trained model to use yet/);
    expect(studio.notice?.text).not.toMatch(/saved/);
  });

  it('the header names a 1,000-sample figure as validation, not test', async () => {
    const { studio } = await setUp([], [run('r1', { testLimit: 1000 }), run('r2')]);
    studio.activeModel = { id: 'r1', label: 'run r1', testAccuracy: 0.97 };
    expect(studio.accuracyBasis).toBe('validation, 1,000 samples');
    studio.activeModel = { id: 'r2', label: 'run r2', testAccuracy: 0.98 };
    expect(studio.accuracyBasis).toBe('test');
  });

  it('estimates how long Start takes, from a rough figure until a run was measured', async () => {
    const { studio } = await setUp();
    expect(studio.estimate).toMatchObject({ samples: 60000, epochs: 10, measured: false });
    expect(duration(studio.estimate.seconds)).toBe('2m 0s');
    studio.trainLimit = 3000;
    studio.runs = [
      run('r1', { last: { epoch: 1, epochs: 1, loss: 0, accuracy: 0, valLoss: 0, valAccuracy: 0, seconds: 1, samplesPerSecond: 1000 } }),
    ];
    expect(studio.estimate).toMatchObject({ samples: 3000, seconds: 30, measured: true });
  });

  it('the window title carries the progress while training', async () => {
    const { api, studio } = await setUp();
    expect(studio.windowTitle).toBe('Digit Studio');
    const progress = { epoch: 3, epochs: 10, batch: 126, batches: 300, loss: 0.1, accuracy: 0.9, samplesPerSecond: 5000, etaSeconds: null };
    api.emit('training:progress', { runId: 'r1', progress: progress as never, point: { step: 726, loss: 0.1, accuracy: 0.9 } });
    expect(studio.windowTitle).toBe('Epoch 3/10 · 24% — Digit Studio');
  });

  it('an ETA not yet measured reads "estimating…"', () => {
    expect(duration(null)).toBe('estimating…');
    expect(duration(125)).toBe('2m 5s');
  });
});
