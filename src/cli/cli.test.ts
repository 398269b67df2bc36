import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../engine/data/png.ts';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from '../engine/data/idx.ts';

const root = new URL('../..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'cli-'));

function cli(...args: string[]) {
  return cliWithin(120_000, ...args);
}

/** The command, killed after `ms` (its code is then null): for what used to spin for ever. */
function cliWithin(ms: number, ...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: ms,
    killSignal: 'SIGKILL',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** An IDX file with a header of `dims` and no data after it. */
function emptyIdx(magic: number, dims: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  return out;
}

/** A vertical black bar on a white 120×160 canvas: a 1, as someone would draw it. */
function writeBarPng(path: string): void {
  const [w, h] = [120, 160];
  const bar = new Uint8Array(w * h * 4).fill(255);
  for (let y = 20; y < 140; y++) for (let x = 55; x < 67; x++) bar.fill(0, (y * w + x) * 4, (y * w + x) * 4 + 3);
  writeFileSync(path, encodePng({ width: w, height: h, data: bar }));
}

/** A user error: exit 2 and one clear line on stderr that matches `pattern`, no stack trace. */
function expectUserError(result: ReturnType<typeof cli>, pattern: RegExp) {
  expect(result.code).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('command line', () => {
  it('prints the notebook summary', () => {
    const result = cli('summary');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Total params: 61,706');
    expect(result.stdout).toContain('(5×5×6+1)×16 = 2,416');
  });

  it('refuses bad options with one line and exit 2', () => {
    expectUserError(cli('train', '--epochs', 'ten'), /--epochs: expected a whole number, got "ten"/);
    expectUserError(cli('train', '--batch-size', '0'), /batchSize/);
    expectUserError(cli('train', '--activation', 'swish'), /activation/);
    expectUserError(cli('train', '--bogus'), /Unknown option '--bogus'/);
    expectUserError(cli('frobnicate'), /unknown command "frobnicate"/);
    expectUserError(cli('train', '--train-limit=-3'), /--train-limit: must be at least 1/);
  });

  it('names presets: the quick one is the notebook architecture, a wrong name or target is a user error', () => {
    const quick = cli('summary', '--preset', 'quick');
    expect(quick.code).toBe(0);
    expect(quick.stdout).toContain('Total params: 61,706');
    expectUserError(cli('train', '--preset', 'fast'), /--preset: must be one of notebook, quick, got "fast"/);
    expectUserError(cli('bench', '--to-accuracy', '1.5'), /--to-accuracy: a test accuracy between 0 and 1/);
    expectUserError(cli('bench', '--to-accuracy', 'high'), /--to-accuracy: expected a number/);
  });

  it('takes negative values in either form and says what they must be', () => {
    expectUserError(cli('train', '--train-limit', '-3'), /^error: --train-limit: must be at least 1, got -3$/);
    expectUserError(cli('train', '--epochs', '-5'), /^error: invalid model spec: Epochs \(epochs\): must be at least 1$/);
    expectUserError(cli('train', '--epochs=-5'), /^error: invalid model spec: Epochs \(epochs\): must be at least 1$/);
  });

  it('refuses a spec file that is not one JSON object', () => {
    for (const [name, text] of [
      ['null.json', 'null'],
      ['string.json', '"lenet"'],
      ['array.json', '[{"epochs": 2}]'],
    ]) {
      writeFileSync(join(tmp, name), text);
      expectUserError(cli('summary', '--spec', join(tmp, name)), new RegExp(`${name}: a spec file holds a JSON object`));
    }
  });

  it('refuses a model the studio cannot train, naming its size', () => {
    const huge = { filters: 512, kernelSize: 28, padding: 'same', pool: 'none', poolSize: 2, poolStride: 2 };
    writeFileSync(join(tmp, 'huge.json'), JSON.stringify({ conv: [huge, huge, huge, huge], dense: [4096, 4096, 4096, 4096] }));
    expectUserError(cli('train', '--spec', join(tmp, 'huge.json')), /the model has 2,311,522,314 parameters; the studio trains at most 5,000,000/);
    expectUserError(cli('train', '--batch-size', '60000'), /Batch size \(batchSize\): a batch of 60,000 needs about 6\.2 GB/);
  });

  it('reports unusable output folders at once, as user errors, and never spins', () => {
    expectUserError(
      cliWithin(30_000, 'train', '--out', '/proc/x'),
      /^error: \/proc\/x: cannot be created there \(the folder \/proc does not take new folders\)$/,
    );
    expectUserError(cliWithin(30_000, 'train', '--export', '/proc/nope'), /^error: \/proc\/nope: cannot be created there/);
    writeFileSync(join(tmp, 'a-file'), 'x');
    expectUserError(cliWithin(30_000, 'train', '--out', join(tmp, 'a-file', 'runs')), /a-file\/runs: .*a-file is a file, not a folder/);
  });

  it('refuses a dataset with no images instead of printing NaN%', () => {
    const dir = mkdtempSync(join(tmpdir(), 'empty-data-'));
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), emptyIdx(IDX_IMAGES_MAGIC, [0, 28, 28]));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), emptyIdx(IDX_LABELS_MAGIC, [0]));
    // One test digit, so that the training split is the only empty one.
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), new Uint8Array([...emptyIdx(IDX_IMAGES_MAGIC, [1, 28, 28]), ...new Uint8Array(784)]));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), new Uint8Array([...emptyIdx(IDX_LABELS_MAGIC, [1]), 7]));
    expectUserError(cli('train', '--data', dir, '--epochs', '1'), /train-images-idx3-ubyte: holds no images/);
    expectUserError(cli('evaluate', '--data', dir), /train-images-idx3-ubyte: holds no images/);
  });

  it('refuses a PNG of no pixels or of too many', () => {
    const png = (width: number, height: number) => {
      const bytes = encodePng({ width: 1, height: 1, data: new Uint8Array(4) });
      // The header's width and height, after the signature and the IHDR chunk's length and type.
      new DataView(bytes.buffer).setUint32(16, width);
      new DataView(bytes.buffer).setUint32(20, height);
      return bytes;
    };
    writeFileSync(join(tmp, 'flat.png'), png(0, 5));
    expectUserError(cli('predict', join(tmp, 'flat.png')), /flat\.png: the image is 0×5; it has no pixels/);
    writeFileSync(join(tmp, 'wide.png'), png(20000, 20000));
    expectUserError(cli('predict', join(tmp, 'wide.png')), /wide\.png is 20000×20000; the largest image accepted is 4096×4096/);
  });

  it('names a missing or corrupt data folder, spec, model or image', () => {
    expectUserError(cli('train', '--data', join(tmp, 'nope')), /nope: no such folder/);
    writeFileSync(join(tmp, 'train-images-idx3-ubyte'), 'garbage');
    expectUserError(cli('evaluate', '--data', tmp), /missing train-labels-idx1-ubyte/);
    writeFileSync(join(tmp, 'spec.json'), '{ not json');
    expectUserError(cli('summary', '--spec', join(tmp, 'spec.json')), /is not valid JSON/);
    writeFileSync(
      join(tmp, 'bad.json'),
      JSON.stringify({ conv: [{ filters: 6, kernelSize: 40, padding: 'valid', pool: 'max', poolSize: 2, poolStride: 2 }] }),
    );
    expectUserError(cli('summary', '--spec', join(tmp, 'bad.json')), /Conv layer 1 · kernel size \(conv\.0\.kernelSize\): must be at most 28/);
    expectUserError(cli('predict', join(tmp, 'missing.png')), /missing\.png: no such file/);
    expectUserError(cli('predict', join(tmp, 'spec.json')), /spec\.json: not a PNG file/);
    expectUserError(cli('evaluate', '--model', tmp), /holds neither model\.json nor run\.json/);
    const broken = mkdtempSync(join(tmpdir(), 'model-'));
    writeFileSync(join(broken, 'model.json'), '{"modelTopology":{},"weightsManifest":[]}');
    expectUserError(cli('predict', '--model', broken, join(tmp, 'spec.json')), /not a PNG file/);
  });

  it('predicts PNG files with the bundled model, as JSON lines', () => {
    writeBarPng(join(tmp, 'one.png'));
    writeFileSync(join(tmp, 'empty.png'), encodePng({ width: 120, height: 160, data: new Uint8Array(120 * 160 * 4).fill(255) }));
    const result = cli('predict', join(tmp, 'one.png'), join(tmp, 'empty.png'), '--json');
    expect(result.code).toBe(0);
    const [one, empty] = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(one.label).toBe(1);
    expect(one.probabilities).toHaveLength(10);
    expect(empty).toMatchObject({ label: null, error: 'no ink in the image' });
  });

  it('trains a small run as JSON lines and evaluates the result', () => {
    const out = join(tmp, 'runs');
    const result = cli('train', '--train-limit', '400', '--test-limit', '100', '--epochs', '2', '--batch-size', '100', '--out', out, '--json');
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((e) => e.event)).toEqual(['epoch', 'epoch', 'done']);
    const done = events[2];
    expect(done.backend).toBe('wasm');
    expect(done.testAccuracy).toBeGreaterThan(0.2);
    const evaluated = cli('evaluate', '--model', done.modelDir, '--test-limit', '100', '--json');
    const report = JSON.parse(evaluated.stdout);
    expect(report.testAccuracy).toBeCloseTo(done.testAccuracy, 5);
    expect(report.confusion.flat().reduce((a: number, b: number) => a + b)).toBe(100);
  });

  it('explains a prediction: every layer, and a saliency map that is zero where there is no ink', () => {
    writeBarPng(join(tmp, 'bar.png'));
    const result = cli('predict', '--explain', join(tmp, 'bar.png'), '--json');
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

  it('evaluates with per-class metrics and the misclassified digits', () => {
    const report = JSON.parse(cli('evaluate', '--test-limit', '500', '--json').stdout);
    expect(report.perClass).toHaveLength(10);
    const wrong =
      report.confusion.flat().reduce((a: number, b: number) => a + b) -
      report.confusion.reduce((a: number, row: number[], i: number) => a + row[i], 0);
    expect(report.errors).toHaveLength(wrong);
    for (const e of report.errors) expect(Object.keys(e).sort()).toEqual(['index', 'label', 'predicted', 'probability']);
    expect(report.perClass[3].support).toBe(report.confusion[3].reduce((a: number, b: number) => a + b));
  });

  it('exports the bundled model as a TF.js folder with a manifest, and refuses a folder already in use', () => {
    const out = join(tmp, 'exported');
    const result = cli('export', '--out', out, '--json');
    expect(result.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.spec.conv).toHaveLength(2);
    expect(manifest.testAccuracy).toBeGreaterThan(0.98);
    expect(existsSync(join(out, 'weights.bin'))).toBe(true);
    const again = cli('export', '--out', out);
    expectUserError(again, /exported: the folder is not empty/);
    const predicted = JSON.parse(cli('evaluate', '--model', out, '--test-limit', '200', '--json').stdout);
    const bundled = JSON.parse(cli('evaluate', '--test-limit', '200', '--json').stdout);
    expect(predicted.testAccuracy).toBe(bundled.testAccuracy);
  });
});
