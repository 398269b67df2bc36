import { beforeAll, describe, expect, it } from 'vitest';
import { augmentPreview } from './augment-preview.ts';
import { limitSplit, loadDataset, type Split } from './dataset.ts';
import { defaultAugment } from '../../shared/augment.ts';
import { NOT_ONE_DIGIT, PIXELS } from '../../shared/mnist.ts';

let train: Split;
beforeAll(async () => {
  train = limitSplit((await loadDataset()).train, 2000);
});

describe('augmentation preview', () => {
  it('gives `count` samples with their true labels, the same for a seed and others for another seed', () => {
    const a = augmentPreview(train, defaultAugment(), 4, 16);
    expect(a.indices).toHaveLength(16);
    expect(a.pixels).toHaveLength(16 * PIXELS);
    expect(a.labels).toEqual(a.indices.map((i) => train.labels[i]));
    expect(augmentPreview(train, defaultAugment(), 4, 16)).toEqual(a);
    const b = augmentPreview(train, defaultAugment(), 5, 16);
    expect(b.indices).not.toEqual(a.indices);
    // Augmented: not the stored bytes.
    const stored = train.pixels.subarray(a.indices[0] * PIXELS, (a.indices[0] + 1) * PIXELS);
    expect(Array.from(a.pixels.subarray(0, PIXELS))).not.toEqual(Array.from(stored));
  });

  it('shows a reading model its generated pieces: every other sample is "not one digit" (label 10)', () => {
    const preview = augmentPreview(train, defaultAugment(), 4, 16, true);
    expect(preview.labels).toHaveLength(16);
    expect(preview.labels.filter((_, k) => k % 2 === 1)).toEqual(Array(8).fill(NOT_ONE_DIGIT));
    expect(preview.labels.filter((_, k) => k % 2 === 0).every((l) => l < NOT_ONE_DIGIT)).toBe(true);
    expect(preview.pixels).toHaveLength(16 * PIXELS);
  });
});
