// Naming and annotating runs: stored in run.json, kept when the studio opens again, kept through a trainer's
// own writes when the run is training, and refused with the schema's message when malformed.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventChannel, EventPayloads, ModelSpec } from '../shared/contract.ts';
import { defaultSpec } from '../shared/spec.ts';
import { dispatch } from './dispatch.ts';
import { createModel } from './model/model.ts';
import { RunStore } from './store/runs.ts';
import { Studio } from './studio.ts';

const tinySpec: ModelSpec = {
  ...defaultSpec(),
  conv: [{ filters: 4, kernelSize: 5, padding: 'same', pool: 'max', poolSize: 2, poolStride: 2 }],
  dense: [32],
  batchSize: 50,
  epochs: 2,
  seed: 1,
};
const studios: Studio[] = [];
const open = async (userDir: string) => {
  const studio = await Studio.open({ userDir, transport: 'websocket', version: 'test' });
  studios.push(studio);
  return studio;
};
afterAll(() => Promise.all(studios.map((s) => s.close())));

async function savedRun(userDir: string) {
  const store = new RunStore(join(userDir, 'runs'));
  const model = createModel(tinySpec);
  const run = await store.create({ spec: tinySpec, dataDir: 'mnist', backend: 'wasm' });
  const saved = await store.saveCheckpoint({ ...run, epochsDone: 1, status: 'stopped', pid: undefined }, model, null);
  model.dispose();
  return saved;
}

describe('naming and annotating a run', () => {
  it('writes the name and notes into run.json, and they are there when the studio opens again', async () => {
    const userDir = mkdtempSync(join(tmpdir(), 'user-'));
    const first = await open(userDir);
    const run = await savedRun(userDir);
    const studio = first;
    const reply = await dispatch(studio, 'runs:annotate', { id: run.id, name: '  tanh, 3×3  ', notes: 'faster to fall, ends lower' });
    expect(reply).toMatchObject({
      ok: true,
      value: { id: run.id, name: 'tanh, 3×3', notes: 'faster to fall, ends lower', checkpoint: run.checkpoint },
    });
    const onDisk = JSON.parse(readFileSync(join(userDir, 'runs', run.id, 'run.json'), 'utf8'));
    expect(onDisk).toMatchObject({ name: 'tanh, 3×3', notes: 'faster to fall, ends lower' });

    await studio.handlers['runs:activate']({ id: run.id });
    expect((await studio.handlers['app:info'](undefined)).activeModel.label).toBe('tanh, 3×3');

    const reopened = await open(userDir);
    expect((await reopened.handlers['app:info'](undefined)).activeModel.label).toBe('tanh, 3×3');
    const [listed] = await reopened.handlers['runs:list'](undefined);
    expect(listed).toMatchObject({ id: run.id, name: 'tanh, 3×3', notes: 'faster to fall, ends lower', status: 'stopped' });
    // An empty name and notes take them away again.
    const cleared = await reopened.handlers['runs:annotate']({ id: run.id, name: '', notes: '' });
    expect(cleared.name).toBeUndefined();
    expect(cleared.notes).toBeUndefined();
    expect((await reopened.handlers['app:info'](undefined)).activeModel.label).toBe(`run ${run.id}`);
  });

  it('refuses a malformed id, an unknown run, and a name too long for the schema, and changes nothing', async () => {
    const userDir = mkdtempSync(join(tmpdir(), 'user-'));
    const studio = await open(userDir);
    const run = await savedRun(userDir);
    const before = readFileSync(join(userDir, 'runs', run.id, 'run.json'), 'utf8');
    expect(await dispatch(studio, 'runs:annotate', { id: '../..', name: 'x', notes: '' })).toEqual({
      ok: false,
      error: 'runs:annotate: invalid payload (id: a run id looks like 20261127-203000-1a2b)',
    });
    expect(await dispatch(studio, 'runs:annotate', { id: '20200101-000000-0000', name: 'x', notes: '' })).toEqual({
      ok: false,
      error: `no run 20200101-000000-0000 in ${join(userDir, 'runs')}`,
    });
    expect(await dispatch(studio, 'runs:annotate', { id: run.id, name: 'n'.repeat(81), notes: '' })).toEqual({
      ok: false,
      error: 'runs:annotate: invalid payload (name: a run name has at most 80 characters)',
    });
    // The store holds run.json to the same limit, whoever writes it.
    await expect(new RunStore(join(userDir, 'runs')).writeRecord({ ...run, name: 'n'.repeat(81) })).rejects.toThrow(
      'a run name has at most 80 characters',
    );
    expect(readFileSync(join(userDir, 'runs', run.id, 'run.json'), 'utf8')).toBe(before);
  });

  it('names a run at its start, and keeps a name given while it trains through every checkpoint its trainer writes', async () => {
    const userDir = mkdtempSync(join(tmpdir(), 'user-'));
    const studio = await open(userDir);
    const done = new Promise<EventPayloads['training:done']>((resolve) =>
      studio.onEvent((channel, payload) => (channel as EventChannel) === 'training:done' && resolve(payload as EventPayloads['training:done'])),
    );
    const { runId } = await studio.handlers['training:start']({ spec: tinySpec, trainLimit: 500, testLimit: 100, name: 'first try' });
    expect((await studio.handlers['runs:list'](undefined))[0]).toMatchObject({ id: runId, name: 'first try', status: 'running' });
    const annotated = await studio.handlers['runs:annotate']({ id: runId, name: 'renamed mid-run', notes: 'two epochs' });
    expect(annotated).toMatchObject({ id: runId, name: 'renamed mid-run', notes: 'two epochs', status: 'running' });
    const { run } = await done;
    // Two checkpoints and the final record were written after the annotation: each kept it.
    expect(run).toMatchObject({ status: 'done', epochsDone: 2, name: 'renamed mid-run', notes: 'two epochs' });
    expect(await new RunStore(join(userDir, 'runs')).read(runId)).toMatchObject({ status: 'done', name: 'renamed mid-run', notes: 'two epochs' });
  }, 120_000);
});
