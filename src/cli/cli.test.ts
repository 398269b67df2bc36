// The command line, run in this process (what `npm run cli` runs), plus two spawned smoke runs through tsx
// and a pipe: argument errors, files, training and exports need no process of their own.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { encodePng } from '../engine/data/png.ts';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from '../engine/data/idx.ts';
import { runCli } from './main.ts';

const root = new URL('../..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'cli-'));

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The command in this process, with what it prints to stdout and stderr. */
async function cli(...args: string[]): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void stdout.push(parts.join(' ') + '\n'));
  const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void stderr.push(parts.join(' ') + '\n'));
  try {
    const code = await runCli(args);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    process.exitCode = undefined;
  }
}

/** The command as `npm run cli` spawns it, its output read through pipes. */
function spawned(...args: string[]): CliResult {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
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
function expectUserError(result: CliResult, pattern: RegExp) {
  expect(result.code).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('command line', () => {
  it('prints the notebook summary (spawned, as npm run cli runs it)', () => {
    const result = spawned('summary');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Total params: 61,706');
    expect(result.stdout).toContain('(5×5×6+1)×16 = 2,416');
  });

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
    expectUserError(await cli('train', '--preset', 'fast'), /--preset: must be one of notebook, quick, got "fast"/);
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

  it('predicts PNG files with the bundled model, as JSON lines through a pipe (spawned)', () => {
    writeBarPng(join(tmp, 'one.png'));
    writeFileSync(join(tmp, 'empty.png'), encodePng({ width: 120, height: 160, data: new Uint8Array(120 * 160 * 4).fill(255) }));
    const result = spawned('predict', join(tmp, 'one.png'), join(tmp, 'empty.png'), '--json');
    expect(result.code).toBe(0);
    const [one, empty] = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(one.label).toBe(1);
    expect(one.probabilities).toHaveLength(10);
    expect(empty).toMatchObject({ label: null, error: 'no ink in the image' });
  });

  it('trains a small run as JSON lines and evaluates the result', async () => {
    const out = join(tmp, 'runs');
    const result = await cli('train', '--train-limit', '400', '--test-limit', '100', '--epochs', '2', '--batch-size', '100', '--out', out, '--json');
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((e) => e.event)).toEqual(['epoch', 'epoch', 'done']);
    const done = events[2];
    expect(done.backend).toBe('wasm');
    expect(done.testAccuracy).toBeGreaterThan(0.2);
    const evaluated = await cli('evaluate', '--model', done.modelDir, '--test-limit', '100', '--json');
    const report = JSON.parse(evaluated.stdout);
    expect(report.testAccuracy).toBeCloseTo(done.testAccuracy, 5);
    expect(report.confusion.flat().reduce((a: number, b: number) => a + b)).toBe(100);
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
