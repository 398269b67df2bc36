// Prediction from a 28×28 field or from a drawing of any size, through the MNIST recipe.
import { tf } from '../runtime/backend.ts';
import { IMAGE_SIZE, PIXELS } from '../data/dataset.ts';
import { UserError } from '../errors.ts';
import type { Prediction } from '../../shared/contract.ts';
import { preprocessDrawing, type RawImage } from '../../shared/preprocess.ts';
import { inkSummary, type InkSummary } from '../../shared/ink.ts';
import { judgeConfidence } from './confidence.ts';
import { digitsOnly } from './evaluate.ts';

export { judgeConfidence, SURE_PROBABILITY } from './confidence.ts';

/** The contract's prediction, with the 784 values (0–1) the model saw. */
export interface FieldPrediction extends Prediction {
  input: number[];
}

/** Probabilities for one 28×28 field of values in [0, 1]. */
export async function predictField(model: tf.LayersModel, field: ArrayLike<number>, ink?: InkSummary): Promise<FieldPrediction> {
  if (field.length !== PIXELS) throw new UserError(`expected ${PIXELS} values (28×28), got ${field.length}`);
  const probs = tf.tidy(() => digitsOnly(model.predict(tf.tensor4d(Float32Array.from(field), [1, IMAGE_SIZE, IMAGE_SIZE, 1])) as tf.Tensor2D));
  const probabilities = Array.from(await probs.data());
  probs.dispose();
  const label = probabilities.indexOf(Math.max(...probabilities));
  return { label, probabilities, ...judgeConfidence(probabilities, field, ink), input: Array.from(field) };
}

/** Predict a drawing; null when the drawing has no ink. */
export async function predictDrawing(model: tf.LayersModel, image: RawImage): Promise<FieldPrediction | null> {
  const field = preprocessDrawing(image);
  return field ? predictField(model, field, inkSummary(image) ?? undefined) : null;
}
