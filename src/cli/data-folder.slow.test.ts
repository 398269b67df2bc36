// Issue 31, item 3 on the command line: `train --data FOLDER` trains with a folder of labelled images beside
// MNIST (or alone), validated on the folder's held-out share, and keeps that data in the run's folder.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledMnistDir, limitSplit, loadSplit } from '../engine/data/dataset.ts';
import { writeImageFolder } from '../engine/testing/image-folder.ts';
import { cli } from './testing.ts';

describe('train --data FOLDER of labelled images', () => {
  it('trains beside MNIST or alone, validating on the held-out share', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'cli-train-folder-'));
    const folder = join(tmp, 'scans');
    writeImageFolder(folder, limitSplit(await loadSplit(bundledMnistDir(), 'test'), 100), { side: 56, paper: true });
    for (const [extra, mnist] of [
      [['--train-limit', '200'], true],
      [['--no-mnist'], false],
    ] as const) {
      const out = join(tmp, `runs-${mnist}`);
      const args = ['train', '--data', folder, '--validation', '0.2', '--epochs', '1', '--batch-size', '20', '--out', out, '--json', ...extra];
      const result = await cli(...args);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const events = result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(events.map((e) => e.event)).toEqual(['data', 'epoch', 'done']);
      // A fifth of each digit's images held out, rounded per digit.
      const { trained, validation } = events[0];
      expect(events[0]).toMatchObject({ data: folder, samples: 100, skipped: [] });
      expect(trained + validation).toBe(100);
      expect(validation).toBeGreaterThanOrEqual(15);
      expect(validation).toBeLessThanOrEqual(25);
      const record = JSON.parse(readFileSync(join(out, events[2].runId, 'run.json'), 'utf8'));
      expect(record.ownData).toEqual({ source: folder, trained, validation, mnist });
      expect(existsSync(join(out, events[2].runId, 'own-validation'))).toBe(true);
      expect(events[2].testAccuracy).toBeGreaterThan(0);
    }
  });
});
