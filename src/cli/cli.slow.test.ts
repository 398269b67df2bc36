// The command line as `npm run cli` spawns it (two smoke runs, read through pipes), and a small training run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { encodePng } from '../engine/data/png.ts';
import { cli, spawned, writeBarPng } from './testing.ts';

const tmp = mkdtempSync(join(tmpdir(), 'cli-'));

describe('command line, spawned and training', () => {
  it('prints the notebook summary (spawned, as npm run cli runs it)', () => {
    const result = spawned('summary');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Total params: 61,706');
    expect(result.stdout).toContain('(5×5×6+1)×16 = 2,416');
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

  it('trains a small run on wasm as JSON lines and evaluates the result', async () => {
    // Named, so that the run is the same where tfjs-node installs (the training thread reads it).
    vi.stubEnv('DIGIT_STUDIO_BACKEND', 'wasm');
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
});
