import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../engine/data/png.ts';

const root = new URL('../..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'cli-'));

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
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
    expectUserError(cli('train', '--train-limit', '-3'), /'--train-limit' argument is ambiguous/);
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
    expectUserError(cli('summary', '--spec', join(tmp, 'bad.json')), /conv\.0\.kernelSize/);
    expectUserError(cli('predict', join(tmp, 'missing.png')), /missing\.png: no such file/);
    expectUserError(cli('predict', join(tmp, 'spec.json')), /spec\.json: not a PNG file/);
    expectUserError(cli('evaluate', '--model', tmp), /holds neither model\.json nor run\.json/);
    const broken = mkdtempSync(join(tmpdir(), 'model-'));
    writeFileSync(join(broken, 'model.json'), '{"modelTopology":{},"weightsManifest":[]}');
    expectUserError(cli('predict', '--model', broken, join(tmp, 'spec.json')), /not a PNG file/);
  });

  it('predicts PNG files with the bundled model, as JSON lines', () => {
    // A vertical bar on a white canvas is a 1; an empty canvas has no ink.
    const w = 120,
      h = 160;
    const bar = new Uint8Array(w * h * 4).fill(255);
    for (let y = 20; y < 140; y++) for (let x = 55; x < 67; x++) bar.fill(0, (y * w + x) * 4, (y * w + x) * 4 + 3);
    writeFileSync(join(tmp, 'one.png'), encodePng({ width: w, height: h, data: bar }));
    writeFileSync(join(tmp, 'empty.png'), encodePng({ width: w, height: h, data: new Uint8Array(w * h * 4).fill(255) }));
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
});
