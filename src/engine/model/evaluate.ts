// Test loss, accuracy, confusion matrix and per-class accuracy of a model on a split.
import { tf } from '../runtime/backend.ts';
import { crossEntropy, makeBatch } from '../data/batches.ts';
import { NUM_CLASSES, type Split } from '../data/dataset.ts';

export interface Evaluation {
  loss: number;
  accuracy: number;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  perClassAccuracy: number[];
  count: number;
}

const EVAL_BATCH = 1000;

/** Evaluate `model` on every sample of `split`, in batches that keep memory small. */
export async function evaluate(model: tf.LayersModel, split: Split): Promise<Evaluation> {
  const confusion = Array.from({ length: NUM_CLASSES }, () => new Array<number>(NUM_CLASSES).fill(0));
  let lossSum = 0;
  for (let start = 0; start < split.count; start += EVAL_BATCH) {
    const indices = Array.from({ length: Math.min(EVAL_BATCH, split.count - start) }, (_, k) => start + k);
    const batch = makeBatch(split, indices);
    const [loss, predicted] = tf.tidy(() => {
      const probs = model.predict(batch.xs) as tf.Tensor2D;
      return [crossEntropy(batch.ys, probs), probs.argMax(1)];
    });
    lossSum += (await loss.data())[0] * indices.length;
    const labels = await predicted.data();
    batch.labels.forEach((truth, k) => confusion[truth][labels[k]]++);
    tf.dispose([batch.xs, batch.ys, loss, predicted]);
  }
  const correct = confusion.reduce((sum, row, i) => sum + row[i], 0);
  return {
    loss: lossSum / split.count,
    accuracy: correct / split.count,
    confusion,
    perClassAccuracy: confusion.map(
      (row, i) =>
        row[i] /
        Math.max(
          1,
          row.reduce((a, b) => a + b, 0),
        ),
    ),
    count: split.count,
  };
}
