// Issue 31, items 4 and 5: `evaluate --data FOLDER --json` on a folder of labelled images, `dataset import`,
// stray files skipped and named, a folder with no labelled image refused with exit 2; IDX folders still work.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledMnistDir, limitSplit, loadSplit } from '../engine/data/dataset.ts';
import { writeImageFolder } from '../engine/testing/image-folder.ts';
import { cli, expectUserError } from './testing.ts';

const tmp = mkdtempSync(join(tmpdir(), 'cli-folder-'));
const folder = join(tmp, 'scans');

beforeAll(async () => {
  // 100 MNIST test digits as a person's scans: 84×84, dark ink on white, every fifth a JPEG; and two stray files.
  writeImageFolder(folder, limitSplit(await loadSplit(bundledMnistDir(), 'test'), 100), { side: 84, paper: true, jpegEvery: 5 });
  writeFileSync(join(folder, '7', 'notes.txt'), 'class 3B');
  writeFileSync(join(folder, '2', 'broken.png'), readFileSync(join(folder, '2', '00001.png')).subarray(0, 50));
});

describe('a folder of labelled images on the command line', () => {
  it('evaluates the bundled model on it, naming the files skipped and each mistake', async () => {
    const result = await cli('evaluate', '--data', folder, '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.samples).toBe(100);
    expect(report.skipped).toEqual([
      { file: '2/broken.png', reason: expect.stringMatching(/^corrupt PNG/) },
      { file: '7/notes.txt', reason: 'not a PNG or JPEG image' },
    ]);
    expect(report.confusion.flat().reduce((a: number, b: number) => a + b)).toBe(100);
    expect(report.testAccuracy).toBeGreaterThan(0.9);
    for (const error of report.errors) expect(error.file).toMatch(new RegExp(`^${error.label}/\\d{5}\\.(png|jpg)$`));
  });

  it('refuses a folder with no labelled image in one line, exit 2', async () => {
    const empty = join(tmp, 'empty');
    mkdirSync(join(empty, '3'), { recursive: true });
    writeFileSync(join(empty, '3', 'readme.txt'), 'nothing');
    expectUserError(
      await cli('evaluate', '--data', empty, '--json'),
      /^error: .*empty: no labelled image \(PNG or JPEG inside sub-folders 0\/ … 9\/\)/,
    );
    expectUserError(await cli('train', '--data', empty), /no labelled image/);
    expectUserError(await cli('dataset', 'import', empty, '--name', 'x', '--user-dir', tmp), /no labelled image/);
  });

  it('stores it with dataset import, adding nothing twice, and confines the name', async () => {
    const home = join(tmp, 'home');
    const first = JSON.parse((await cli('dataset', 'import', folder, '--name', 'class 3B', '--user-dir', home, '--json')).stdout);
    expect(first).toMatchObject({ name: 'class 3B', samples: 100, added: expect.any(Number), count: first.added });
    expect(first.added + first.duplicates).toBe(100);
    expect(first.skipped).toHaveLength(2);
    const again = JSON.parse((await cli('dataset', 'import', folder, '--name', 'class 3B', '--user-dir', home, '--json')).stdout);
    expect(again).toMatchObject({ added: 0, duplicates: 100, count: first.count });
    const listed = JSON.parse((await cli('dataset', 'list', '--user-dir', home, '--json')).stdout);
    expect(listed.sets).toEqual([expect.objectContaining({ name: 'class 3B', count: first.count })]);
    expectUserError(await cli('dataset', 'import', folder, '--name', '../../etc', '--user-dir', home), /a data set name has 1 to 40 letters/);
    expect(JSON.parse((await cli('dataset', 'delete', 'class 3B', '--user-dir', home, '--json')).stdout)).toEqual({ deleted: true });
  });

  it('keeps an IDX folder working, and says which options need images', async () => {
    expectUserError(await cli('train', '--validation', '0.1'), /--validation: only with --data FOLDER of labelled images/);
    expectUserError(await cli('train', '--data', folder, '--validation', '0.9'), /--validation: a share from 0 to 0\.5, got 0\.9/);
    const report = JSON.parse((await cli('evaluate', '--data', bundledMnistDir(), '--test-limit', '50', '--json')).stdout);
    expect(report.samples).toBeUndefined();
    expect(report.confusion.flat().reduce((a: number, b: number) => a + b)).toBe(50);
  });
});
