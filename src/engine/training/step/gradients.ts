// The one definition of a training step's maths, shared by the in-process step and every replica:
// forward on a batch, mean cross-entropy, gradients of the trainable weights.
import { tf } from '../../runtime/backend.ts';
import { type BatchAugment, classesOf, crossEntropy, makeBatch } from '../../data/batches.ts';
import type { Split } from '../../data/dataset.ts';
import { trainingForward } from './forward.ts';

export interface ShareGradients {
  /** Gradients of the share's mean loss, in `model.trainableWeights` order. */
  grads: tf.Tensor[];
  /** Mean loss over the share. */
  loss: number;
  correct: number;
  count: number;
}

/** The variables a step updates, in a fixed order. */
export const trainableVariables = (model: tf.LayersModel) => model.trainableWeights.map((w) => w.read() as tf.Variable);

/** A step's tensors before anything is read back: gradients, mean loss and correct count (the caller disposes them). */
export interface StepTensors {
  grads: tf.Tensor[];
  loss: tf.Scalar;
  correct: tf.Scalar;
}

/** The step's tensors on `indices` of `split`, augmented if asked; nothing is read back, so a GPU keeps on working. */
export function stepTensors(model: tf.LayersModel, split: Split, indices: ArrayLike<number>, augment?: BatchAugment): StepTensors {
  const batch = makeBatch(split, indices, augment, classesOf(model));
  const variables = trainableVariables(model);
  let correct: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads((): tf.Scalar => {
    const probs = trainingForward(model, batch.xs) as tf.Tensor2D;
    correct = tf.keep(probs.argMax(1).equal(batch.ys.argMax(1)).sum() as tf.Scalar);
    return crossEntropy(batch.ys, probs);
  }, variables);
  tf.dispose([batch.xs, batch.ys]);
  return { grads: variables.map((v) => grads[v.name]), loss: value, correct: correct! };
}

/** Gradients of the mean loss on `indices` of `split`, augmented if asked (tensors the caller disposes). */
export function shareGradients(model: tf.LayersModel, split: Split, indices: ArrayLike<number>, augment?: BatchAugment): ShareGradients {
  const { grads, loss, correct } = stepTensors(model, split, indices, augment);
  const result = { grads, loss: loss.dataSync()[0], correct: correct.dataSync()[0], count: indices.length };
  tf.dispose([loss, correct]);
  return result;
}

/** Flatten tensors into one Float32Array (to send to another thread). */
export function flatten(tensors: tf.Tensor[]): Float32Array {
  const out = new Float32Array(tensors.reduce((n, t) => n + t.size, 0));
  let offset = 0;
  for (const t of tensors) {
    out.set(t.dataSync() as Float32Array, offset);
    offset += t.size;
  }
  return out;
}

/** Cut a flat Float32Array back into tensors shaped like `like`. */
export function unflatten(flat: Float32Array, like: { shape: number[] }[]): tf.Tensor[] {
  let offset = 0;
  return like.map(({ shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(flat.subarray(offset, offset + size), shape);
    offset += size;
    return t;
  });
}
