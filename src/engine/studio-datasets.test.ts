// Issue 31 over the contract: a folder's files staged batch by batch from the window, stored at once, browsed
// like MNIST (page, label filter, sample with its file), evaluated on in a worker, and deleted.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from './dispatch.ts';
import { Studio } from './studio.ts';
import { bundledMnistDir, limitSplit, loadSplit } from './data/dataset.ts';
import { writeImageFolder } from './testing/image-folder.ts';
import { DataSetStore } from './store/data-sets.ts';
import { PIXELS } from '../shared/mnist.ts';
import type { InvokeChannel, InvokeOutputs, RunRecord } from '../shared/contract.ts';
import { defaultSpec } from '../shared/spec.ts';
import type { startTraining, TrainingHandle } from './training/trainer.ts';
import type { TrainingJob } from './training/training-messages.ts';

let studio: Studio;
let files: { path: string; base64: string }[];

beforeAll(async () => {
  studio = await Studio.open({ userDir: mkdtempSync(join(tmpdir(), 'user-')), transport: 'websocket', version: 'test' });
  const folder = mkdtempSync(join(tmpdir(), 'scans-'));
  const written = writeImageFolder(folder, limitSplit(await loadSplit(bundledMnistDir(), 'test'), 60), { side: 56, paper: true, jpegEvery: 4 });
  files = written.map((path) => ({ path, base64: readFileSync(join(folder, path)).toString('base64') }));
});
afterAll(() => studio.close());

const ok2 = <T>(reply: { ok: true; value: T } | { ok: false; error: string }): T => {
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
};

/** Wait until the studio trains nothing (the stand-in ends a run when stopped). */
async function waitUntilIdle(studio: Studio): Promise<void> {
  while ((await studio.handlers['training:status'](undefined)).running) await new Promise((resolve) => setImmediate(resolve));
}

/** A channel's answer through dispatch's validation, as the window gets it; a refusal fails the test. */
async function call<C extends InvokeChannel>(channel: C, payload: unknown): Promise<InvokeOutputs[C]> {
  const reply = await dispatch(studio, channel, payload);
  if (!reply.ok) throw new Error(reply.error);
  return reply.value as InvokeOutputs[C];
}

/** A trainer that keeps each job it is given, starts it at once and ends it when stopped. */
function standInTrainer() {
  const jobs: TrainingJob[] = [];
  const train: typeof startTraining = (job, onEvent) => {
    const run = { id: `run-${jobs.length + 1}`, status: 'running' } as RunRecord;
    jobs.push(job);
    let end!: () => void;
    const done = new Promise<RunRecord>((resolve) => (end = () => (onEvent({ type: 'done', run, stopped: false }), resolve(run))));
    queueMicrotask(() => onEvent({ type: 'started', run }));
    return { stop: () => end(), done, annotate: async () => null } satisfies TrainingHandle;
  };
  return { train, jobs };
}

describe('data sets over the contract', () => {
  it('imports a folder staged in batches, skipping stray files, and adds nothing twice', async () => {
    const stray = [
      { path: '3/notes.txt', base64: Buffer.from('class 3B').toString('base64') },
      { path: 'cover.png', base64: files[0].base64 },
      { path: '3/../../x.png', base64: files[0].base64 },
    ];
    const first = await call('datasets:stage', { files: files.slice(0, 30) });
    expect(first).toMatchObject({ read: 30, skipped: 0 });
    expect(await call('datasets:stage', { ticket: first.ticket, files: [...files.slice(30), ...stray] })).toEqual({
      ticket: first.ticket,
      read: 60,
      skipped: 3,
    });
    const report = await call('datasets:commit', { ticket: first.ticket, name: 'class 3B', source: 'scans' });
    expect(report).toMatchObject({ name: 'class 3B', samples: 60, count: report.added });
    expect(report.skipped.map((s) => s.file)).toEqual(['3/notes.txt', 'cover.png', '3/../../x.png']);
    // The ticket is spent; a second import of the same files adds nothing.
    expect(await dispatch(studio, 'datasets:commit', { ticket: first.ticket, name: 'class 3B', source: 'scans' })).toEqual({
      ok: false,
      error: expect.stringContaining('that import is no longer under way'),
    });
    const again = await call('datasets:stage', { files });
    expect(await call('datasets:commit', { ticket: again.ticket, name: 'class 3B', source: 'scans' })).toMatchObject({
      added: 0,
      duplicates: 60,
    });
    expect((await call('datasets:list', undefined)).sets).toEqual([expect.objectContaining({ name: 'class 3B', count: report.count })]);
  });

  it('refuses a folder with no labelled image, and a name outside the store', async () => {
    const staged = await call('datasets:stage', { files: [{ path: 'a.txt', base64: '' }] });
    expect(await dispatch(studio, 'datasets:commit', { ticket: staged.ticket, name: 'x', source: 'stuff' })).toEqual({
      ok: false,
      error: 'stuff: no labelled image (PNG or JPEG inside sub-folders 0/ … 9/); 1 files skipped, first a.txt: not inside a digit folder (0/ … 9/)',
    });
    const reply = await dispatch(studio, 'datasets:commit', { ticket: staged.ticket, name: '../../etc', source: 'x' });
    expect(reply).toEqual({ ok: false, error: expect.stringContaining('a data set name has 1 to 40 letters') });
    expect(await dispatch(studio, 'dataset:page', { split: 'set:../x', offset: 0, limit: 1 })).toMatchObject({ ok: false });
  });

  it('browses it as MNIST is browsed: pages, the label filter and a sample with its file', async () => {
    const all = await call('dataset:page', { split: 'set:class 3B', offset: 0, limit: 100 });
    expect(all.total).toBe((await call('datasets:list', undefined)).sets[0].count);
    expect(Buffer.from(all.pixels, 'base64').length).toBe(all.total * PIXELS);
    const sevens = await call('dataset:page', { split: 'set:class 3B', label: 7, offset: 0, limit: 100 });
    expect(sevens.labels.every((l) => l === 7)).toBe(true);
    expect(sevens.total).toBeGreaterThan(0);
    const sample = await call('dataset:sample', { split: 'set:class 3B', index: sevens.indices[0] });
    expect(sample).toMatchObject({ split: 'set:class 3B', label: 7, file: expect.stringMatching(/^7\/\d{5}\.(png|jpg)$/) });
    expect(sample.prediction.probabilities).toHaveLength(10);
    expect(await dispatch(studio, 'dataset:sample', { split: 'set:nothing', index: 0 })).toEqual({
      ok: false,
      error: 'there is no data set "nothing"',
    });
  });

  it('evaluates the active model on it, naming each mistake’s file', async () => {
    const evaluation = await call('datasets:evaluate', { name: 'class 3B' });
    expect(evaluation.count).toBe(evaluation.files.length);
    expect(evaluation.confusion.flat().reduce((a, b) => a + b)).toBe(evaluation.count);
    expect(evaluation.accuracy).toBeGreaterThan(0.85);
    expect(evaluation.perClass).toHaveLength(10);
    // A run compared side by side is measured by its id without becoming active; the bundled model is one.
    const bundled = await call('datasets:evaluate', { name: 'class 3B', run: 'bundled' });
    expect(bundled.accuracy).toBe(evaluation.accuracy);
    expect(bundled.model.id).toBe('bundled');
    expect(await dispatch(studio, 'datasets:evaluate', { name: 'class 3B', run: '20261128-100000-aaaa' })).toMatchObject({ ok: false });
  });

  it('trains with it beside MNIST or alone, and fine-tunes on it as on my digits', async () => {
    const trainer = standInTrainer();
    const other = await Studio.open({ userDir: mkdtempSync(join(tmpdir(), 'user-')), transport: 'websocket', version: 'test', train: trainer.train });
    try {
      const staged = await other.handlers['datasets:stage']({ files });
      await other.handlers['datasets:commit']({ ticket: staged.ticket, name: 'scans', source: 'scans' });
      const spec = { ...defaultSpec(), epochs: 1 };
      ok2(await dispatch(other, 'training:start', { spec, ownData: { set: 'scans', mnist: false, validation: 0.25 } }));
      const own = trainer.jobs[0].ownData!;
      expect(own).toMatchObject({ source: 'scans', mnist: false });
      expect(own.train.count + own.validation.count).toBe((await other.handlers['datasets:list'](undefined)).sets[0].count);
      expect(own.validation.count).toBeGreaterThanOrEqual(10);
      await other.handlers['training:stop'](undefined);
      await waitUntilIdle(other);
      ok2(await dispatch(other, 'training:finetune', { epochs: 1, learningRate: 0.0001, heldOut: 0.2, set: 'scans' }));
      const tune = trainer.jobs[1].finetune!;
      expect(tune).toMatchObject({ set: 'scans' });
      expect(tune.mine.count + tune.heldOut.count).toBe(own.train.count + own.validation.count);
      await other.handlers['training:stop'](undefined);
      await waitUntilIdle(other);
      expect(await dispatch(other, 'training:start', { spec, ownData: { set: 'missing', mnist: true, validation: 0.2 } })).toEqual({
        ok: false,
        error: 'there is no data set "missing"',
      });
    } finally {
      await other.close();
    }
  });

  it('follows a change made by another process (the command line) once the list is asked for again', async () => {
    const before = (await call('dataset:page', { split: 'set:class 3B', offset: 0, limit: 1 })).total;
    const more = files.slice(0, 5).map(({ path }) => `${path.split('/')[0]}/copy-${path.split('/')[1]}`);
    const store = new DataSetStore(studio.dataSetsRoot);
    const { split } = await store.read('class 3B');
    // Five images whose 28×28 differ from every one held: their first pixel set.
    const pixels = split.pixels.slice(0, 5 * PIXELS);
    for (let k = 0; k < 5; k++) pixels[k * PIXELS] = 255 - k;
    await store.import('class 3B', { split: { count: 5, pixels, labels: split.labels.slice(0, 5) }, files: more, skipped: [] }, 'elsewhere');
    expect((await call('datasets:list', undefined)).sets[0].count).toBe(before + 5);
    expect((await call('dataset:page', { split: 'set:class 3B', offset: 0, limit: 1 })).total).toBe(before + 5);
  });

  it('deletes it', async () => {
    expect(await call('datasets:delete', { name: 'class 3B' })).toEqual({ deleted: true });
    expect((await call('datasets:list', undefined)).sets).toEqual([]);
    expect(await dispatch(studio, 'dataset:page', { split: 'set:class 3B', offset: 0, limit: 1 })).toEqual({
      ok: false,
      error: 'there is no data set "class 3B"',
    });
    expect(readdirSync(studio.dataSetsRoot)).toEqual([]);
  });
});
