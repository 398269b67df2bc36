// Turns byte images into float tensors, and orders samples with a seeded shuffle.
import { tf } from '../runtime/backend.ts';
import { IMAGE_SIZE, NUM_CLASSES, PIXELS, type Split } from './dataset.ts';
import type { Augmenter } from './augment.ts';

export { rng } from './rng.ts';

/** A Fisher–Yates permutation of 0..n-1. */
export function shuffled(n: number, random: () => number): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

export interface Batch {
  xs: tf.Tensor4D;
  /** One-hot labels, [n, 10]. */
  ys: tf.Tensor2D;
  labels: Uint8Array;
}

/** Augmentation of one batch: each sample drawn from (the augmenter's seed, `epoch`, its index). */
export interface BatchAugment {
  augmenter: Augmenter;
  epoch: number;
}

/** The samples `indices` of a split as x in [0,1] of shape [n,28,28,1] and one-hot y over `classes`, augmented if asked. */
export function makeBatch(split: Split, indices: ArrayLike<number>, augment?: BatchAugment, classes = NUM_CLASSES): Batch {
  const n = indices.length;
  const x = new Float32Array(n * PIXELS);
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    const src = split.pixels.subarray(i * PIXELS, (i + 1) * PIXELS);
    if (augment) augment.augmenter.augment(src, augment.epoch, i, x, k * PIXELS);
    else for (let p = 0; p < PIXELS; p++) x[k * PIXELS + p] = src[p] / 255;
    labels[k] = split.labels[i];
  }
  const y = new Float32Array(n * classes);
  labels.forEach((label, k) => (y[k * classes + label] = 1));
  return {
    xs: tf.tensor4d(x, [n, IMAGE_SIZE, IMAGE_SIZE, 1]),
    ys: tf.tensor2d(y, [n, classes]),
    labels,
  };
}

/** Mean categorical cross-entropy of softmax outputs, clipped like Keras. */
export function crossEntropy(ys: tf.Tensor, probs: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.metrics.categoricalCrossentropy(ys, probs).mean() as tf.Scalar);
}

/** How many classes a model outputs: 10 digits, or 11 for a reading model. */
export const classesOf = (model: tf.LayersModel): number => model.outputs[0].shape[1] ?? NUM_CLASSES;
