// Test loss, accuracy, confusion matrix, per-class precision/recall/F1 and the misclassified digits of a
// model on a split.
import { tf } from '../runtime/backend.ts';
import { crossEntropy, makeBatch } from '../data/batches.ts';
import { NUM_CLASSES, type Split } from '../data/dataset.ts';
import type { ClassMetrics, Evaluation, Misclassified } from '../../shared/explain.ts';

export type { Evaluation };

const EVAL_BATCH = 1000;

/** Evaluate `model` on every sample of `split`, in batches that keep memory small. */
export async function evaluate(model: tf.LayersModel, split: Split): Promise<Evaluation> {
  const confusion = Array.from({ length: NUM_CLASSES }, () => new Array<number>(NUM_CLASSES).fill(0));
  const errors: Misclassified[] = [];
  let lossSum = 0;
  for (let start = 0; start < split.count; start += EVAL_BATCH) {
    const indices = Array.from({ length: Math.min(EVAL_BATCH, split.count - start) }, (_, k) => start + k);
    const batch = makeBatch(split, indices);
    const [loss, predicted, top] = tf.tidy(() => {
      const probs = digitsOnly(model.predict(batch.xs) as tf.Tensor2D);
      return [crossEntropy(batch.ys, probs), probs.argMax(1), probs.max(1)];
    });
    lossSum += (await loss.data())[0] * indices.length;
    const labels = await predicted.data();
    const confidence = await top.data();
    batch.labels.forEach((truth, k) => {
      confusion[truth][labels[k]]++;
      if (labels[k] !== truth) errors.push({ index: indices[k], label: truth, predicted: labels[k], probability: confidence[k] });
    });
    tf.dispose([batch.xs, batch.ys, loss, predicted, top]);
  }
  const correct = confusion.reduce((sum, row, i) => sum + row[i], 0);
  const perClass = classMetrics(confusion);
  return {
    loss: lossSum / split.count,
    accuracy: correct / split.count,
    confusion,
    perClassAccuracy: perClass.map((c) => c.recall),
    perClass,
    errors: errors.sort((a, b) => b.probability - a.probability),
    count: split.count,
  };
}

/**
 * A model's probabilities over the ten digits: a reading model's "not one digit" is left out and the rest
 * renormalised, so that it is measured on digits as any model is.
 */
export function digitsOnly(probs: tf.Tensor2D): tf.Tensor2D {
  if (probs.shape[1] === NUM_CLASSES) return probs;
  const digits = probs.slice([0, 0], [-1, NUM_CLASSES]);
  return digits.div(digits.sum(1, true).add(1e-12));
}

/** Precision, recall and F1 of each digit from a confusion matrix (0 where a ratio has no denominator). */
export function classMetrics(confusion: number[][]): ClassMetrics[] {
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  return confusion.map((row, digit) => {
    const truePositives = row[digit];
    const support = row.reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((sum, other) => sum + other[digit], 0);
    const precision = ratio(truePositives, predictedAs);
    const recall = ratio(truePositives, support);
    return { digit, precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
}
