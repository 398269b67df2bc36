import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../engine/data/dataset.ts';
import { writePairFolder } from '../engine/data/idx-pair.ts';
import { pick } from '../engine/training/finetune.ts';
import { firstPerClass } from '../engine/testing/style.ts';
import { defaultAugment } from '../shared/augment.ts';
import { bundledModelDir } from '../engine/model/bundled.ts';

const root = new URL('../..', import.meta.url).pathname;
const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
const cli = (...args: string[]) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { cwd: root, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

let mine: string;
let few: string;
beforeAll(async () => {
  const test = (await loadDataset()).test;
  mine = tmp('mine-');
  await writePairFolder(mine, pick(test, firstPerClass(test, 3)));
  few = tmp('few-');
  await writePairFolder(few, pick(test, [0, 1, 2]));
});

describe('finetune on the command line', () => {
  it('fine-tunes on MNIST plus the folder and prints the before/after table', () => {
    const exported = join(tmp('export-'), 'model');
    const result = cli(
      'finetune',
      '--data',
      mine,
      '--epochs',
      '1',
      '--train-limit',
      '400',
      '--test-limit',
      '200',
      '--out',
      tmp('runs-'),
      '--export',
      exported,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('plus 20 digits of');
    expect(result.stdout).toMatch(/before\s+after/);
    expect(result.stdout).toMatch(/my held-out digits \(10\)\s+\d+\.\d\d%\s+\d+\.\d\d%/);
    expect(result.stdout).toMatch(/MNIST test\s+\d+\.\d\d%\s+\d+\.\d\d%/);
    expect(readdirSync(exported).sort()).toEqual(['manifest.json', 'model.json', 'weights.bin']);
  });

  it('names what is missing: the folder, or enough digits', () => {
    expect(cli('finetune')).toMatchObject({ code: 2, stderr: expect.stringContaining('--data DIR') });
    expect(cli('finetune', '--data', few)).toMatchObject({
      code: 2,
      stderr: 'error: fine-tuning needs at least 10 of my digits; there are 3 — save more from the Draw view\n',
    });
  });
});

describe('train with my digits and augmentation', () => {
  it('trains on an exported collection (MNIST plus its digits) with --augment, and records the ranges in the run', async () => {
    const out = tmp('runs-');
    const result = cli(
      'train',
      '--data',
      mine,
      '--augment',
      '--augment-rotation',
      '20',
      '--epochs',
      '1',
      '--train-limit',
      '300',
      '--test-limit',
      '100',
      '--out',
      out,
      '--json',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const done = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    const record = JSON.parse(readFileSync(join(out, done.runId, 'run.json'), 'utf8'));
    expect(record.spec.augment).toEqual({ ...defaultAugment(), rotation: 20 });
    expect(record.dataDir).toBe(mine);
    expect(record.epochsDone).toBe(1);
  });

  it("goes on from a model with --from: a short run at a tiny learning rate keeps the bundled model's accuracy", () => {
    const result = cli(
      'train',
      '--from',
      bundledModelDir(),
      '--learning-rate',
      '0.00001',
      '--epochs',
      '1',
      '--train-limit',
      '200',
      '--test-limit',
      '300',
      '--out',
      tmp('runs-'),
      '--json',
    );
    expect(result.stderr).toBe('');
    const done = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    // From fresh weights, 200 samples in one epoch reach about 30%.
    expect(done.testAccuracy).toBeGreaterThan(0.95);
  });
});
