// A preview of augmentation: a few training samples as a run with these ranges and this seed would see them.
import type { AugmentSpec } from '../../shared/augment.ts';
import { PIXELS } from '../../shared/mnist.ts';
import { Augmenter } from './augment.ts';
import { rng, shuffled } from './batches.ts';
import type { Split } from './dataset.ts';

/** `count` samples of `split` chosen by `seed`, augmented as in a run's first epoch; pixels as bytes. */
export function augmentPreview(split: Split, augment: AugmentSpec, seed: number, count: number) {
  // The first samples of the run's first epoch order (train.ts shuffles epoch e with seed·1000 + e).
  const indices = Array.from(shuffled(split.count, rng(seed * 1000)).subarray(0, Math.min(count, split.count)));
  const augmenter = new Augmenter(augment, seed);
  const values = new Float32Array(PIXELS);
  const pixels = new Uint8Array(indices.length * PIXELS);
  indices.forEach((index, k) => {
    augmenter.augment(split.pixels.subarray(index * PIXELS, (index + 1) * PIXELS), 0, index, values);
    for (let p = 0; p < PIXELS; p++) pixels[k * PIXELS + p] = Math.round(values[p] * 255);
  });
  return { indices, labels: indices.map((i) => split.labels[i]), pixels };
}
