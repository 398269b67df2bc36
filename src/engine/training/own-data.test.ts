// Issue 31, item 3: a run's own data split into training and a validation share, joined with MNIST or not, and
// kept in the run's folder so that a resumed run trains on the same data.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PIXELS } from '../../shared/mnist.ts';
import type { Split } from '../data/dataset.ts';
import { ownData, readOwnData, saveOwnData, withOwnData } from './own-data.ts';

/** `count` distinct images, labels cycling 0–9. */
function images(count: number, mark = 1): Split {
  const pixels = new Uint8Array(count * PIXELS);
  for (let k = 0; k < count; k++) pixels[k * PIXELS + k] = mark;
  return { count, pixels, labels: Uint8Array.from({ length: count }, (_, k) => k % 10) };
}

describe('own data', () => {
  const mnist = { train: images(50, 9), test: images(20, 8) };

  it('holds out a share of each digit to validate on, beside MNIST or alone', () => {
    const job = ownData('scans', images(40), 0.25, true, 3);
    expect(job.validation.count).toBe(10);
    expect(Array.from(job.validation.labels).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(withOwnData(job, mnist)).toEqual({
      train: { count: 80, pixels: expect.any(Uint8Array), labels: expect.any(Uint8Array) },
      test: job.validation,
    });
    expect(withOwnData({ ...job, mnist: false }, mnist).train).toBe(job.train);
    // No share held out: validated on MNIST's test split.
    const all = ownData('scans', images(40), 0, false, 3);
    expect(all.train.count).toBe(40);
    expect(withOwnData(all, mnist).test).toBe(mnist.test);
    expect(() => ownData('tiny', images(4), 0.2, true, 3)).toThrow('tiny: training takes at least 10 images; it has 4');
  });

  it('keeps the data in the run folder for a resume, and says when a run has none', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'own-'));
    expect(await readOwnData(runDir)).toBeNull();
    const job = ownData('scans', images(30), 0.2, true, 1);
    expect(await saveOwnData(runDir, job)).toBe(join(runDir, 'own'));
    const back = await readOwnData(runDir);
    expect(back?.train).toEqual(job.train);
    expect(back?.validation).toEqual(job.validation);
  });
});
