// Model export and import: a round trip keeps predictions, and a malformed folder gets a one-line message.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../runtime/backend.ts';
import { RunStore } from '../store/runs.ts';
import { defaultSpec } from '../../shared/spec.ts';
import { bundledModelDir } from './bundled.ts';
import { exportModelFolder, importedName, IMPORTING, importModelFolder } from './exchange.ts';
import { type FileOps, realFileOps } from '../store/atomic.ts';
import { readModel, writeModel } from './model-io.ts';

const temp = (name: string) => mkdtempSync(join(tmpdir(), `exchange-${name}-`));
const digits = () => tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 7);

let model: tf.LayersModel;
beforeAll(async () => {
  await initBackend({ want: 'wasm' });
  model = await readModel(bundledModelDir());
});

async function predictions(m: tf.LayersModel): Promise<number[]> {
  return tf.tidy(() => m.predict(digits()) as tf.Tensor).array() as Promise<number[]>;
}

describe('model export and import', () => {
  it('exports TF.js Layers files and a manifest, and imports them as a done run with identical predictions', async () => {
    const dir = join(temp('out'), 'lenet');
    await exportModelFolder(model, dir, { source: 'bundled LeNet-5', spec: defaultSpec(), testAccuracy: 0.9893 });
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toMatchObject({ source: 'bundled LeNet-5', testAccuracy: 0.9893 });

    const store = new RunStore(temp('runs'));
    const run = await importModelFolder(store, dir, 'wasm');
    expect(run).toMatchObject({ status: 'done', spec: defaultSpec(), checkpoint: expect.stringMatching(/^ckpt-/) });
    expect((await store.list()).map((r) => r.id)).toEqual([run.id]);
    const imported = await store.loadModel(run.id);
    expect(await predictions(imported)).toEqual(await predictions(model));
    imported.dispose();
  });

  it('an imported run keeps its exported name and what its accuracy was measured on (issue 18, item 7)', async () => {
    const dir = join(temp('named'), 'lenet');
    await exportModelFolder(model, dir, { source: 'tanh try', name: 'tanh try', spec: defaultSpec(), testAccuracy: 0.9725, testLimit: 2000 });
    const run = await importModelFolder(new RunStore(temp('runs')), dir, 'wasm');
    expect(run).toMatchObject({ name: 'tanh try', testLimit: 2000 });
  });

  it('names an import as typed, else by its manifest, its folder, or as an import of its source; never as the bundled model nor a bare run id (issue 29, item 6)', () => {
    expect(importedName({ source: 'bundled LeNet-5' })).toBe('import of bundled LeNet-5');
    expect(importedName({ source: 'bundled LeNet-5' }, undefined, 'my-lenet')).toBe('my-lenet');
    expect(importedName({ source: 'bundled LeNet-5', name: 'kept' }, 'typed')).toBe('typed');
    expect(importedName({ source: 'run 20261128-100000-aaaa' })).toBeUndefined();
    expect(importedName({ source: 'x'.repeat(81) })).toHaveLength(80);
    expect(importedName({ source: 'old', name: 'new' })).toBe('new');
    expect(importedName({})).toBeUndefined();
  });

  it('an import of the bundled model declares the accuracy its manifest gives, and is not named the bundled model (issue 29, item 6)', async () => {
    const dir = join(temp('declared'), 'lenet');
    await exportModelFolder(model, dir, { source: 'bundled LeNet-5', spec: defaultSpec(), testAccuracy: 0.9893 });
    const run = await importModelFolder(new RunStore(temp('runs')), dir, 'wasm');
    expect(run.imported).toEqual({ declaredAccuracy: 0.9893 });
    expect(run.name).toBe('import of bundled LeNet-5');
  });

  it('refuses to export into a folder that already holds files', async () => {
    const dir = temp('full');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await expect(exportModelFolder(model, dir, {})).rejects.toThrow(`${dir}: the folder is not empty; choose a new or empty folder`);
  });

  describe('a malformed folder gets a clear message and leaves no run behind', () => {
    const store = new RunStore(join(tmpdir(), `exchange-bad-runs-${process.pid}`));
    const exported = async () => {
      const dir = join(temp('bad'), 'model');
      await exportModelFolder(model, dir, {});
      return dir;
    };

    it.each([
      ['missing weights', async (dir: string) => writeFileSync(join(dir, 'weights.bin'), ''), /weights\.bin: 0 bytes, the model needs 246824$/],
      ['garbage model.json', async (dir: string) => writeFileSync(join(dir, 'model.json'), '{ not json'), /model\.json: not valid JSON$/],
      ['garbage manifest', async (dir: string) => writeFileSync(join(dir, 'manifest.json'), 'nope'), /manifest\.json: not valid JSON$/],
      [
        'a manifest with a bad spec',
        async (dir: string) => writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ spec: { ...defaultSpec(), epochs: 0 } })),
        /manifest\.json: spec\.epochs: must be at least 1$/,
      ],
    ])('%s', async (_name, doctor, message) => {
      const dir = await exported();
      await doctor(dir);
      await expect(importModelFolder(store, dir, 'wasm')).rejects.toThrow(message);
      expect(await store.list()).toEqual([]);
    });

    it('missing folder and missing weights file', async () => {
      await expect(importModelFolder(store, '/nonexistent/model', 'wasm')).rejects.toThrow('/nonexistent/model: no such folder');
      const dir = temp('noweights');
      writeFileSync(join(dir, 'model.json'), readFileSync(join(await exported(), 'model.json')));
      await expect(importModelFolder(store, dir, 'wasm')).rejects.toThrow(/weights\.bin: missing \(the model weights\)$/);
    });

    it.each([
      ['input', [32, 32, 3], 10, /the model's input is \[any,32,32,3\], the studio needs \[any,28,28,1\]$/],
      ['output', [28, 28, 1], 5, /the model's output is \[any,5\], the studio needs \[any,10\]/],
    ])('wrong %s shape', async (_name, inputShape, units, message) => {
      const other = tf.sequential({ layers: [tf.layers.flatten({ inputShape }), tf.layers.dense({ units, activation: 'softmax' })] });
      const dir = temp('shape');
      mkdirSync(dir, { recursive: true });
      await writeModel(dir, other);
      other.dispose();
      await expect(importModelFolder(store, dir, 'wasm')).rejects.toThrow(message);
      expect(await store.list()).toEqual([]);
    });
  });
});

describe('an import on a full disk (issue 27, item 5)', () => {
  it('names the full disk and leaves no half-import behind', async () => {
    const dir = join(temp('out'), 'lenet');
    await exportModelFolder(model, dir, { spec: defaultSpec() });
    const full: FileOps = {
      ...realFileOps,
      writeFile: async (path, data) => {
        if (path.includes('weights.bin')) throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC' });
        return realFileOps.writeFile(path, data);
      },
    };
    const root = temp('runs');
    await expect(importModelFolder(new RunStore(root, full), dir, 'wasm')).rejects.toThrow(/: the disk is full$/);
    expect(await new RunStore(root).list()).toEqual([]);
  });
});

describe('an import killed part-way (issue 19, finding 10)', () => {
  it('reads as an interrupted import, not as a failed training run', async () => {
    const dir = join(temp('out'), 'lenet');
    await exportModelFolder(model, dir, { spec: defaultSpec() });
    // What a kill leaves: the run's record written, its weights never, and nothing cleaned up after.
    const killed: FileOps = {
      ...realFileOps,
      writeFile: async (path, data) => {
        if (path.includes('weights.bin')) throw new Error('killed');
        return realFileOps.writeFile(path, data);
      },
      rm: async () => {
        throw new Error('killed');
      },
    };
    const root = temp('runs');
    await expect(importModelFolder(new RunStore(root, killed), dir, 'wasm')).rejects.toThrow();
    const [left] = await new RunStore(root).list();
    expect(left).toMatchObject({ name: `${IMPORTING} lenet` });
  });
});
