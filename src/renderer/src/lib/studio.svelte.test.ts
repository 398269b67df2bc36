// The app-wide state against a fake engine: forms that say what is wrong, runs that ask before losing
// anything, and messages that say what happened.
import { describe, expect, it, vi } from 'vitest';
import type { RunRecord } from '../../../shared/contract';
import { defaultSpec } from '../../../shared/spec';
import { duration, StudioState } from './studio.svelte';
import { ROUGH_SAMPLES_PER_SECOND, STARTUP_SECONDS } from './estimate';
import { when } from './runs';

const lastEpoch = { epoch: 1, epochs: 1, loss: 0, accuracy: 0, valLoss: 0, valAccuracy: 0, seconds: 1, samplesPerSecond: 1000 };
import { fakeEngine } from '../testing/fake-api';
import { runRecord } from '../testing/records';

const run = (id: string, extra: Partial<RunRecord> = {}): RunRecord => runRecord(id, { checkpoint: 'epoch-10', ...extra });

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
  it('shows the record each epoch and the end send, in its place, without listing every run again', async () => {
    const older = run('20261128-100000-aaaa');
    const { api, studio } = await setUp([], [older]);
    await studio.start();
    const listed = api.count('runs:list');
    const training = run('20261129-100000-bbbb', { status: 'running', epochsDone: 1, checkpoint: 'epoch-1' });
    api.emit('training:epoch', { runId: training.id, metrics: lastEpoch, run: training });
    expect(studio.runs.map((r) => [r.id, r.status])).toEqual([
      [training.id, 'running'],
      [older.id, 'done'],
    ]);
    const done = { ...training, status: 'done' as const, epochsDone: 2 };
    api.emit('training:done', { run: done, stopped: false });
    expect(studio.runs).toEqual([done, older]);
    // One vocabulary: the run ended as its record says, not in a word of the window's own.
    expect(studio.outcome).toBe(done.status);
    expect(api.count('runs:list')).toBe(listed);
  });

  it('a dropped link ends a live run that was stopping: no Stopping… for ever, and the banner says why', async () => {
    const { studio } = await setUp();
    await studio.start();
    studio.run.stop();
    expect(studio.stopping).toBe(true);
    studio.engineLost('the connection to the studio’s engine closed (code 1006).');
    expect([studio.running, studio.stopping, studio.outcome]).toEqual([false, false, 'failed']);
    expect(studio.disconnected).toMatch(/closed/);
    expect(studio.notice?.text).toMatch(/engine is out of reach/);
  });

  it('a dead engine thread ends the live run and says so; the engine back clears it and lists the runs again', async () => {
    const { api, studio } = await setUp();
    await studio.start();
    expect(studio.running).toBe(true);
    api.emit('engine:status', { state: 'stopped', message: "the studio's engine stopped unexpectedly; it is starting again" });
    expect(studio.running).toBe(false);
    expect(studio.outcome).toBe('failed');
    expect(studio.disconnected).toMatch(/stopped unexpectedly/);
    expect(studio.notice?.text).toMatch(/Resume continues it/);
    const listed = api.count('runs:list');
    api.emit('engine:status', { state: 'ready', message: "the studio's engine started again" });
    expect(studio.disconnected).toBeNull();
    await vi.waitFor(() => expect(api.count('runs:list')).toBe(listed + 1));
  });

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
    const { api, studio } = await setUp([], [run('20261128-100000-aaaa')]);
    await studio.show(run('20261128-100000-aaaa'));
    api.handle('training:start', () => Promise.reject(new Error('training:start: the engine is busy')));
    await studio.start();
    expect(studio.running).toBe(false);
    expect(studio.notice?.text).toBe('training:start: the engine is busy');
  });

  it('deleting a run asks first; declined, nothing is deleted', async () => {
    const { api, studio, questions } = await setUp([false], [run('20261128-100000-aaaa')]);
    await studio.remove('20261128-100000-aaaa');
    expect(questions).toHaveLength(1);
    expect(api.count('runs:delete')).toBe(0);
  });

  it('deleting the active run shown in the charts asks, says it is active, and clears the charts', async () => {
    const id = '20261128-100000-aaaa';
    const { api, studio, questions } = await setUp([true], [run(id, { name: 'tanh try' })]);
    studio.activeModel = { id, label: 'tanh try', testAccuracy: 0.98 };
    await studio.show(run(id, { name: 'tanh try' }));
    expect(studio.batches).toHaveLength(1);
    await studio.remove(id);
    expect(questions[0]).toBe('Delete run “tanh try”? It is the active model: predictions go back to the bundled model. This cannot be undone.');
    expect(api.count('runs:delete')).toBe(1);
    expect(studio.batches).toEqual([]);
    expect(studio.runId).toBeNull();
  });

  it('showing a past run puts its curves on the charts and leaves the Training form as the person left it', async () => {
    const id = '20261128-100000-aaaa';
    const older = run(id, { spec: { ...defaultSpec(), epochs: 3 }, trainLimit: 3000 });
    const { studio, questions } = await setUp([], [older]);
    studio.spec.epochs = 7;
    await studio.show(older);
    expect(questions).toHaveLength(0);
    expect(studio.batches).toHaveLength(1);
    expect(studio.runId).toBe(id);
    expect([studio.spec.epochs, studio.trainLimit]).toEqual([7, null]);
  });

  it('"use this run\'s settings" replaces the form on request and names every field that changed', async () => {
    const base = defaultSpec();
    const spec = { ...base, epochs: 3, conv: [{ ...base.conv[0], kernelSize: 3 }, base.conv[1]] };
    const older = run('20261128-100000-aaaa', { name: 'kernels 3×3', spec, trainLimit: 3000 });
    const { studio } = await setUp([], [older]);
    studio.useSettingsOf(older);
    expect([studio.spec.epochs, studio.spec.conv[0].kernelSize, studio.trainLimit]).toEqual([3, 3, 3000]);
    expect(studio.notice?.text).toBe(
      'The Training form now has the settings of run “kernels 3×3”: Epochs: 10 → 3; Conv layer 1 · kernel size: 5 → 3; Training samples: all → 3,000.',
    );
    studio.useSettingsOf(older);
    expect(studio.notice?.text).toBe('The Training form already had the settings of run “kernels 3×3”: nothing changed.');
  });

  it('resume sends the run its own limits, not what the form holds', async () => {
    const spec = { ...defaultSpec(), epochs: 4 };
    const stopped = run('20261128-100000-aaaa', { status: 'stopped', epochsDone: 2, trainLimit: 6000, testLimit: 500, spec });
    const { api, studio } = await setUp([], [stopped]);
    studio.trainLimit = 100;
    await studio.resume(stopped);
    const request = api.calls.find((c) => c.channel === 'training:start')!.payload as { trainLimit: number; testLimit: number; resumeId: string };
    expect(request).toMatchObject({ trainLimit: 6000, testLimit: 500, resumeId: '20261128-100000-aaaa', spec });
    // The form is the person's: a resume trains the run's own settings without writing them into it.
    expect([studio.trainLimit, studio.spec.epochs]).toEqual([100, 10]);
  });

  it('a run stopped before its first epoch does not claim a saved model', async () => {
    const { api, studio } = await setUp();
    api.emit('training:done', { run: run('r1', { status: 'stopped', epochsDone: 0, name: 'quick try' }), stopped: true });
    expect(studio.notice?.text).toMatch(/^Run “quick try” stopped before/);
    expect(studio.notice?.text).toMatch(/no trained model to use yet/);
    expect(studio.notice?.text).not.toMatch(/saved/);
  });

  it('the header names a 1,000-sample figure as validation, not test', async () => {
    const { studio } = await setUp([], [run('r1', { testLimit: 1000 }), run('r2')]);
    studio.activeModel = { id: 'r1', label: 'run r1', testAccuracy: 0.97 };
    expect(studio.accuracyBasis).toBe('validation on 1,000 digits');
    studio.activeModel = { id: 'r2', label: 'run r2', testAccuracy: 0.98 };
    expect(studio.accuracyBasis).toBe('test');
  });

  it("estimates how long Start takes, with the training thread's start-up and a range, from a rough figure until a run was measured", async () => {
    const { studio } = await setUp();
    expect(studio.estimate).toMatchObject({ samples: 60000, epochs: 10, measured: false, measuredBy: null });
    // 10 epochs × (60,000 training + 10,000 validation at a third) at 5,000 samples/s, and 6 s to start.
    const work = (10 * (60000 + 10000 / 3)) / 5000;
    expect(studio.estimate.seconds).toBeCloseTo(STARTUP_SECONDS.typical + work);
    expect(studio.estimate.low).toBeCloseTo(STARTUP_SECONDS.low + work / 2);
    expect(studio.estimate.high).toBeCloseTo(STARTUP_SECONDS.high + work * 3);
    studio.trainLimit = 30000;
    studio.testLimit = 3000;
    studio.runs = [run('20261128-100000-aaaa', { trainLimit: 20000, last: { ...lastEpoch, samplesPerSecond: 1000 } })];
    expect(studio.estimate).toMatchObject({ samples: 30000, measured: true, measuredBy: 'the run of ' + when('2026-11-28T10:00:00Z') });
    expect(studio.estimate.seconds).toBeCloseTo(STARTUP_SECONDS.typical + (10 * 31000) / 1000);
  });

  it("a tiny run's slow speed does not halve the next estimate: the newest run of 10,000 samples or more gives it", async () => {
    const { studio } = await setUp();
    studio.runs = [
      run('20261128-110000-bbbb', { name: 'tiny', trainLimit: 500, last: { ...lastEpoch, samplesPerSecond: 2000 } }),
      run('20261128-100000-aaaa', { name: 'full', last: { ...lastEpoch, samplesPerSecond: 4000 } }),
    ];
    expect(studio.estimate).toMatchObject({ samplesPerSecond: 4000, measuredBy: 'run “full”' });
    studio.runs = [studio.runs[0]];
    expect(studio.estimate).toMatchObject({ samplesPerSecond: ROUGH_SAMPLES_PER_SECOND, measured: false });
  });

  it('the first estimate after a run comes from that run as this machine ran it, start-up and validation included (issue 29, item 10)', async () => {
    // The issue's case: a 2,000-sample run, then 10,000 samples × 5 epochs estimated at 16 s took 65 s.
    const api = fakeEngine();
    api.handle('training:start', () => ({ runId: '20261206-100000-aaaa' }));
    let clock = 0;
    const storage = new Map<string, string>();
    const kept = { getItem: (key: string) => storage.get(key) ?? null, setItem: (key: string, value: string) => void storage.set(key, value) };
    const studio = new StudioState(
      api,
      () => true,
      kept,
      () => clock,
    );
    await studio.load();
    studio.trainLimit = 2000;
    studio.spec = { ...studio.spec, epochs: 1 };
    await studio.start();
    clock = 7_000; // the training thread took 7 s to start
    const progress = { epoch: 1, epochs: 1, batch: 1, batches: 10, loss: 1, accuracy: 0.5, samplesPerSecond: 2837, etaSeconds: null };
    api.emit('training:progress', { runId: '20261206-100000-aaaa', progress, point: { step: 1, loss: 1, accuracy: 0.5 } });
    clock = 10_000; // 2,000 samples and 10,000 validation digits in 3 s
    const done = run('20261206-100000-aaaa', { trainLimit: 2000, epochsDone: 1, spec: { ...defaultSpec(), epochs: 1 }, status: 'done' });
    api.emit('training:done', { run: done, stopped: false });
    studio.trainLimit = 10000;
    studio.spec = { ...studio.spec, epochs: 5 };
    const speed = (2000 + 10000 / 3) / 3;
    expect(studio.estimate).toMatchObject({ measured: true, startupSeconds: 7, startupMeasured: true });
    expect(studio.estimate.samplesPerSecond).toBeCloseTo(speed);
    expect(studio.estimate.seconds).toBeCloseTo(7 + (5 * (10000 + 10000 / 3)) / speed);
    // The next window starts from it too.
    const again = new StudioState(api, () => true, kept);
    expect(again.estimate.startupSeconds).toBe(7);
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
