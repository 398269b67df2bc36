// A preview of augmentation: a few training samples as a run with these ranges and this seed would see them.
import type { AugmentSpec } from '../../shared/augment.ts';
import { PIXELS } from '../../shared/mnist.ts';
import { Augmenter } from './augment.ts';
import { rng, shuffled } from './batches.ts';
import { joinSplits, limitSplit, type Split } from './dataset.ts';
import { notOneDigitPieces } from './pieces.ts';

/**
 * `count` samples of `split` chosen by `seed`, augmented as in a run's first epoch; pixels as bytes. For a reading
 * model, every other sample is one of its generated "not one digit" pieces (label 10), augmented alike.
 */
export function augmentPreview(split: Split, augment: AugmentSpec, seed: number, count: number, reading = false) {
  if (reading) {
    // Digits from the split's first thousand (joining all 60,000 would copy 47 MB for a preview), pieces after them.
    const half = Math.ceil(count / 2);
    const digits = limitSplit(split, PREVIEW_DIGITS);
    const joined = joinSplits(digits, notOneDigitPieces(split, count - half, seed));
    const chosen = Array.from(shuffled(digits.count, rng(seed * 1000)).subarray(0, half));
    const order = chosen.flatMap((d, k) => (k < count - half ? [d, digits.count + k] : [d]));
    return augmented(joined, augment, seed, order);
  }
  // The first samples of the run's first epoch order (train.ts shuffles epoch e with seed·1000 + e).
  const indices = Array.from(shuffled(split.count, rng(seed * 1000)).subarray(0, Math.min(count, split.count)));
  return augmented(split, augment, seed, indices);
}

/** How many of the split's first digits a reading preview draws from. */
const PREVIEW_DIGITS = 1000;

/** Samples `indices` of `split` augmented as in a run's first epoch. */
function augmented(split: Split, augment: AugmentSpec, seed: number, indices: number[]) {
  const augmenter = new Augmenter(augment, seed);
  const values = new Float32Array(PIXELS);
  const pixels = new Uint8Array(indices.length * PIXELS);
  indices.forEach((index, k) => {
    augmenter.augment(split.pixels.subarray(index * PIXELS, (index + 1) * PIXELS), 0, index, values);
    for (let p = 0; p < PIXELS; p++) pixels[k * PIXELS + p] = Math.round(values[p] * 255);
  });
  return { indices, labels: indices.map((i) => split.labels[i]), pixels };
}
