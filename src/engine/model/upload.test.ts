// Models over the contract (browser mode's download and upload): export → import gives the same predictions,
// and a malformed upload gets one clear line and leaves the store, the active model and the user folder as they were.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelFiles } from '../../shared/contract.ts';
import { dispatch } from '../dispatch.ts';
import { tf } from '../runtime/backend.ts';
import { Studio } from '../studio.ts';
import { writeModel } from './model-io.ts';
import { sweepTempDirs } from './upload.ts';

let studio: Studio;
let userDir: string;
let exported: ModelFiles;
beforeAll(async () => {
  userDir = mkdtempSync(join(tmpdir(), 'user-'));
  studio = await Studio.open({ userDir, transport: 'websocket', version: 'test' });
  const reply = await dispatch(studio, 'model:export', undefined);
  if (!reply.ok) throw new Error(reply.error);
  exported = reply.value as ModelFiles;
});
afterAll(() => studio.close());

const predictions = async () =>
  Promise.all([0, 1, 2, 3, 4].map(async (index) => (await studio.handlers['dataset:sample']({ split: 'test', index })).prediction));
const file = (name: string) => exported.files.find((f) => f.name === name)!;
const b64 = (data: string | Uint8Array) => Buffer.from(data).toString('base64');

/** The files of a small model of other shapes, as an upload. */
async function modelOfShape(input: number[], outputs: number): Promise<ModelFiles['files']> {
  const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: input }), tf.layers.dense({ units: outputs })] });
  const dir = mkdtempSync(join(tmpdir(), 'shape-'));
  await writeModel(dir, model);
  model.dispose();
  return ['model.json', 'weights.bin'].map((name) => ({ name: name as 'model.json', base64: readFileSync(join(dir, name)).toString('base64') }));
}

describe('a model over the contract', () => {
  it('exports model.json, weights.bin and manifest.json, and leaves nothing behind in the user folder', () => {
    expect(exported.folder).toBe('digit-studio-bundled');
    expect(exported.files.map((f) => f.name).sort()).toEqual(['manifest.json', 'model.json', 'weights.bin']);
    const json = JSON.parse(Buffer.from(file('model.json').base64, 'base64').toString('utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);
    expect(Buffer.from(file('weights.bin').base64, 'base64').byteLength).toBe(61_706 * 4);
    expect(JSON.parse(Buffer.from(file('manifest.json').base64, 'base64').toString('utf8'))).toMatchObject({ source: 'bundled LeNet-5' });
    expect(readdirSync(userDir).filter((name) => name.startsWith('.exchange-'))).toEqual([]);
  });

  it.each([
    [
      'model.json that is not JSON',
      () => [{ name: 'model.json', base64: b64('{ nope') }, file('weights.bin')],
      'the uploaded model.json is not valid JSON',
    ],
    ['no weights.bin', () => [file('model.json')], 'the upload has no weights.bin: choose model.json and weights.bin together'],
    [
      'model.json naming other weight files',
      () => {
        const json = JSON.parse(Buffer.from(file('model.json').base64, 'base64').toString('utf8'));
        json.weightsManifest[0].paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
        return [{ name: 'model.json', base64: b64(JSON.stringify(json)) }, file('weights.bin')];
      },
      'the uploaded model.json reads its weights from group1-shard1of2.bin, group1-shard2of2.bin; the studio reads one weights.bin',
    ],
    [
      'truncated weights',
      () => [file('model.json'), { name: 'weights.bin', base64: b64(new Uint8Array(16)) }],
      'the uploaded weights.bin: 16 bytes, the model needs 246824',
    ],
    [
      'wrong input shape',
      () => modelOfShape([28, 28, 3], 10),
      "the uploaded model.json: the model's input is [any,28,28,3], the studio needs [any,28,28,1]",
    ],
    [
      'wrong output count',
      () => modelOfShape([28, 28, 1], 5),
      "the uploaded model.json: the model's output is [any,5], the studio needs [any,10] (or [any,11] for a reading model)",
    ],
    [
      'a file over 64 MB',
      () => [file('model.json'), { name: 'weights.bin', base64: 'A'.repeat(Math.ceil((64 * 1024 ** 2) / 3) * 4 + 4) }],
      'model:import: invalid payload (files.1.base64: a model file is larger than 64 MB)',
    ],
  ])('refuses %s with one clear line and changes nothing', async (_, files, message) => {
    const runsBefore = await studio.handlers['runs:list'](undefined);
    const activeBefore = (await studio.handlers['app:info'](undefined)).activeModel;
    expect(await dispatch(studio, 'model:import', { files: await files() })).toEqual({ ok: false, error: message });
    expect(await studio.handlers['runs:list'](undefined)).toEqual(runsBefore);
    expect((await studio.handlers['app:info'](undefined)).activeModel).toEqual(activeBefore);
    expect(readdirSync(userDir).filter((name) => name.startsWith('.exchange-'))).toEqual([]);
  });

  it('imports the exported files as a done run that becomes the active model and predicts exactly the same', async () => {
    const before = await predictions();
    const reply = await dispatch(studio, 'model:import', { files: exported.files });
    expect(reply).toMatchObject({ ok: true, value: { id: expect.stringMatching(/^\d{8}-/) } });
    const active = (reply as { value: { id: string } }).value;
    const [run] = await studio.handlers['runs:list'](undefined);
    expect(run).toMatchObject({ id: active.id, status: 'done', dataDir: 'uploaded model' });
    expect((await studio.handlers['app:info'](undefined)).activeModel.id).toBe(active.id);
    expect(await predictions()).toEqual(before);
  });

  it('an import takes the name typed and the accuracy its manifest declares, labelled as declared (issue 29, item 6)', async () => {
    const declared = JSON.parse(Buffer.from(file('manifest.json').base64, 'base64').toString()).testAccuracy;
    expect(declared).toBeGreaterThan(0.9);
    const reply = await dispatch(studio, 'model:import', { files: exported.files, name: 'my LeNet' });
    expect(reply).toMatchObject({ ok: true, value: { label: 'my LeNet', testAccuracy: declared, declared: true } });
  });
});

describe('temporary folders', () => {
  it('sweeps those a kill left behind when the studio opens, and leaves young ones (another studio may be using them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'user-'));
    for (const name of ['.exchange-a1b2', '.exchange-c3d4', 'runs']) mkdirSync(join(dir, name));
    await sweepTempDirs(dir, Date.now() + 30_000);
    expect(readdirSync(dir).sort()).toEqual(['.exchange-a1b2', '.exchange-c3d4', 'runs']);
    await sweepTempDirs(dir, Date.now() + 61_000);
    expect(readdirSync(dir).sort()).toEqual(['runs']);
  });

  it('sweeps at once the temporary folder of a process that is gone (issue 19, finding 10: quick restarts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'user-'));
    const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    mkdirSync(join(dir, `.exchange-${gone}-a1b2`));
    mkdirSync(join(dir, `.exchange-${process.pid}-c3d4`));
    await sweepTempDirs(dir);
    expect(readdirSync(dir)).toEqual([`.exchange-${process.pid}-c3d4`]);
  });
});
