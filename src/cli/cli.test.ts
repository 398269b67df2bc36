// The command line, run in this process (what `npm run cli` runs): argument errors, bad files, predictions,
// evaluation and export. The spawned smoke runs and a training run are in cli.slow.test.ts.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { UserError } from '../engine/errors.ts';
import { runCli } from './main.ts';
import { encodePng } from '../engine/data/png.ts';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from '../engine/data/idx.ts';
import { cli, emptyIdx, expectUserError, writeBarPng } from './testing.ts';

const tmp = mkdtempSync(join(tmpdir(), 'cli-'));

describe('exit codes (issue 27, item 10)', () => {
  it('exit 2 for what the person can fix; exit 1 for a fault, named as a bug in one line', async () => {
    const errors: string[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void errors.push(String(line)));
    try {
      const commands = {
        theirs: async () => {
          throw new UserError('digits.png: not a PNG file');
        },
        ours: async () => {
          throw new RangeError('Maximum call stack size exceeded');
        },
      };
      expect(await runCli(['theirs'], commands)).toBe(2);
      expect(await runCli(['ours'], commands)).toBe(1);
    } finally {
      error.mockRestore();
    }
    expect(errors[0]).toBe('error: digits.png: not a PNG file');
    expect(errors[1]).toMatch(/^error: internal fault in `ours` \(RangeError: Maximum call stack size exceeded\); this is a bug in Digit Studio/);
    expect(errors).toHaveLength(2);
  });

  it("a DIGIT_STUDIO_BACKEND that names no backend is the person's to fix: exit 2, naming the choices", async () => {
    const png = join(tmp, 'backend.png');
    writeBarPng(png);
    vi.stubEnv('DIGIT_STUDIO_BACKEND', 'garbage');
    try {
      expectUserError(await cli('predict', png), /^error: DIGIT_STUDIO_BACKEND=garbage is not one of tensorflow, webgpu, wasm, cpu; unset it/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('command line', () => {
  it('refuses bad options with one line and exit 2', async () => {
    expectUserError(await cli('train', '--epochs', 'ten'), /--epochs: expected a whole number, got "ten"/);
    expectUserError(await cli('train', '--batch-size', '0'), /batchSize/);
    expectUserError(await cli('train', '--activation', 'swish'), /activation/);
    expectUserError(await cli('train', '--bogus'), /Unknown option '--bogus'/);
    expectUserError(await cli('frobnicate'), /unknown command "frobnicate"/);
    expectUserError(await cli('train', '--train-limit=-3'), /--train-limit: must be at least 1/);
  });

  it('names presets: the quick one is the notebook architecture, a wrong name or target is a user error', async () => {
    const quick = await cli('summary', '--preset', 'quick');
    expect(quick.code).toBe(0);
    expect(quick.stdout).toContain('Total params: 61,706');
    expectUserError(await cli('train', '--preset', 'fast'), /--preset: must be one of notebook, quick, reading, got "fast"/);
    expectUserError(await cli('bench', '--to-accuracy', '1.5'), /--to-accuracy: a test accuracy between 0 and 1/);
    expectUserError(await cli('bench', '--to-accuracy', 'high'), /--to-accuracy: expected a number/);
  });

  it('takes negative values in either form and says what they must be', async () => {
    expectUserError(await cli('train', '--train-limit', '-3'), /^error: --train-limit: must be at least 1, got -3$/);
    expectUserError(await cli('train', '--epochs', '-5'), /^error: invalid model spec: Epochs \(epochs\): must be at least 1$/);
    expectUserError(await cli('train', '--epochs=-5'), /^error: invalid model spec: Epochs \(epochs\): must be at least 1$/);
  });

  it('refuses a spec file that is not one JSON object', async () => {
    for (const [name, text] of [
      ['null.json', 'null'],
      ['string.json', '"lenet"'],
      ['array.json', '[{"epochs": 2}]'],
    ]) {
      writeFileSync(join(tmp, name), text);
      expectUserError(await cli('summary', '--spec', join(tmp, name)), new RegExp(`${name}: a spec file holds a JSON object`));
    }
  });

  it('refuses a model the studio cannot train, naming its size', async () => {
    const huge = { filters: 512, kernelSize: 28, padding: 'same', pool: 'none', poolSize: 2, poolStride: 2 };
    writeFileSync(join(tmp, 'huge.json'), JSON.stringify({ conv: [huge, huge, huge, huge], dense: [4096, 4096, 4096, 4096] }));
    expectUserError(
      await cli('train', '--spec', join(tmp, 'huge.json')),
      /the model has 2,311,522,314 parameters; the studio trains at most 5,000,000/,
    );
    expectUserError(await cli('train', '--batch-size', '60000'), /Batch size \(batchSize\): a batch of 60,000 needs about 6\.2 GB/);
  });

  it('reports unusable output folders at once, as user errors, and never spins', async () => {
    expectUserError(
      await cli('train', '--out', '/proc/x'),
      /^error: \/proc\/x: cannot be created there \(the folder \/proc does not take new folders\)$/,
    );
    expectUserError(await cli('train', '--export', '/proc/nope'), /^error: \/proc\/nope: cannot be created there/);
    writeFileSync(join(tmp, 'a-file'), 'x');
    expectUserError(await cli('train', '--out', join(tmp, 'a-file', 'runs')), /a-file\/runs: .*a-file is a file, not a folder/);
  });

  it('refuses a dataset with no images instead of printing NaN%', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'empty-data-'));
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), emptyIdx(IDX_IMAGES_MAGIC, [0, 28, 28]));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), emptyIdx(IDX_LABELS_MAGIC, [0]));
    // One test digit, so that the training split is the only empty one.
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), new Uint8Array([...emptyIdx(IDX_IMAGES_MAGIC, [1, 28, 28]), ...new Uint8Array(784)]));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), new Uint8Array([...emptyIdx(IDX_LABELS_MAGIC, [1]), 7]));
    expectUserError(await cli('train', '--data', dir, '--epochs', '1'), /train-images-idx3-ubyte: holds no images/);
    expectUserError(await cli('evaluate', '--data', dir), /train-images-idx3-ubyte: holds no images/);
  });

  it('refuses a PNG of no pixels or of too many', async () => {
    const png = (width: number, height: number) => {
      const bytes = encodePng({ width: 1, height: 1, data: new Uint8Array(4) });
      // The header's width and height, after the signature and the IHDR chunk's length and type.
      new DataView(bytes.buffer).setUint32(16, width);
      new DataView(bytes.buffer).setUint32(20, height);
      return bytes;
    };
    writeFileSync(join(tmp, 'flat.png'), png(0, 5));
    expectUserError(await cli('predict', join(tmp, 'flat.png')), /flat\.png: the image is 0×5; it has no pixels/);
    writeFileSync(join(tmp, 'wide.png'), png(20000, 20000));
    expectUserError(await cli('predict', join(tmp, 'wide.png')), /wide\.png is 20000×20000; the largest image accepted is 4096×4096/);
  });

  it('names a missing or corrupt data folder, spec, model or image', async () => {
    expectUserError(await cli('train', '--data', join(tmp, 'nope')), /nope: no such folder/);
    writeFileSync(join(tmp, 'train-images-idx3-ubyte'), 'garbage');
    expectUserError(await cli('evaluate', '--data', tmp), /missing train-labels-idx1-ubyte/);
    writeFileSync(join(tmp, 'spec.json'), '{ not json');
    expectUserError(await cli('summary', '--spec', join(tmp, 'spec.json')), /is not valid JSON/);
    writeFileSync(
      join(tmp, 'bad.json'),
      JSON.stringify({ conv: [{ filters: 6, kernelSize: 40, padding: 'valid', pool: 'max', poolSize: 2, poolStride: 2 }] }),
    );
    expectUserError(await cli('summary', '--spec', join(tmp, 'bad.json')), /Conv layer 1 · kernel size \(conv\.0\.kernelSize\): must be at most 28/);
    expectUserError(await cli('predict', join(tmp, 'missing.png')), /missing\.png: no such file/);
    expectUserError(await cli('predict', join(tmp, 'spec.json')), /spec\.json: not a PNG file/);
    expectUserError(await cli('evaluate', '--model', tmp), /holds neither model\.json nor run\.json/);
    const broken = mkdtempSync(join(tmpdir(), 'model-'));
    writeFileSync(join(broken, 'model.json'), '{"modelTopology":{},"weightsManifest":[]}');
    expectUserError(await cli('predict', '--model', broken, join(tmp, 'spec.json')), /not a PNG file/);
  });

  it('explains a prediction: every layer, and a saliency map that is zero where there is no ink', async () => {
    writeBarPng(join(tmp, 'bar.png'));
    const result = await cli('predict', '--explain', join(tmp, 'bar.png'), '--json');
    expect(result.code).toBe(0);
    const explained = JSON.parse(result.stdout);
    expect(explained.label).toBe(1);
    expect(explained.layers.map((l: { name: string }) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'dense1', 'dense2', 'output']);
    expect(explained.layers[0].shape).toEqual([28, 28, 6]);
    expect(explained.layers[0].values).toHaveLength(28 * 28 * 6);
    expect(explained.saliency).toHaveLength(784);
    // Gradient × input: the corners of a centred bar hold no ink, so no saliency.
    expect(explained.saliency[0]).toBe(0);
    expect(explained.saliency.some((v: number) => v !== 0)).toBe(true);
    expect(explained.saliencyMethod).toBe('gradient × input');
  });

  it('evaluates with per-class metrics and the misclassified digits', async () => {
    const report = JSON.parse((await cli('evaluate', '--test-limit', '500', '--json')).stdout);
    expect(report.perClass).toHaveLength(10);
    const wrong =
      report.confusion.flat().reduce((a: number, b: number) => a + b) -
      report.confusion.reduce((a: number, row: number[], i: number) => a + row[i], 0);
    expect(report.errors).toHaveLength(wrong);
    for (const e of report.errors) expect(Object.keys(e).sort()).toEqual(['index', 'label', 'predicted', 'probability']);
    expect(report.perClass[3].support).toBe(report.confusion[3].reduce((a: number, b: number) => a + b));
  });

  it('exports the bundled model as a TF.js folder with a manifest, and refuses a folder already in use', async () => {
    const out = join(tmp, 'exported');
    const result = await cli('export', '--out', out, '--json');
    expect(result.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.spec.conv).toHaveLength(2);
    expect(manifest.testAccuracy).toBeGreaterThan(0.98);
    expect(existsSync(join(out, 'weights.bin'))).toBe(true);
    const again = await cli('export', '--out', out);
    expectUserError(again, /exported: the folder is not empty/);
    const predicted = JSON.parse((await cli('evaluate', '--model', out, '--test-limit', '200', '--json')).stdout);
    const bundled = JSON.parse((await cli('evaluate', '--test-limit', '200', '--json')).stdout);
    expect(predicted.testAccuracy).toBe(bundled.testAccuracy);
  });
});
