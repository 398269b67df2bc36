// Honest confidence: a prediction is stated as a digit only when the model is sure of it and the ink could
// be a digit at all. Thresholds measured with the bundled model (see confidence.test.ts): on MNIST's test
// split and on redrawn test digits they leave at least 97% of correct predictions confident.
import type { Prediction } from '../../shared/contract.ts';
import type { InkSummary } from '../../shared/ink.ts';
import { IMAGE_SIZE, PIXELS } from '../../shared/mnist.ts';
import { strokeWidth } from '../../shared/preprocess.ts';

/** The least top probability the studio calls sure. */
export const SURE_PROBABILITY = 0.7;
/** The most entropy (nats) of the probabilities the studio calls sure: above it the model hesitates. */
export const MOST_ENTROPY = 0.8;
/** Ink smaller than this share of the canvas's shorter side is a dot or a tick, not a digit. */
export const LEAST_EXTENT = 0.12;
/** More ink than this (sum of the field's values) is a scribble: MNIST's test digits hold at most 257. */
export const MOST_INK = 250;
/** A field whose strokes are wider than this (pixels, 2·area/perimeter) and fill this much of their box is a blob. */
export const BLOB_STROKE = 4.5;
export const BLOB_FILL = 0.5;

/** What the field's ink looks like: its mass, its stroke width, and how much of its bounding box it fills. */
export function fieldInk(field: ArrayLike<number>): { mass: number; stroke: number; fill: number } {
  let mass = 0;
  let [top, bottom, left, right] = [IMAGE_SIZE, -1, IMAGE_SIZE, -1];
  for (let p = 0; p < PIXELS; p++) {
    mass += field[p];
    if (field[p] <= 0.1) continue;
    const x = p % IMAGE_SIZE;
    const y = Math.floor(p / IMAGE_SIZE);
    [top, bottom, left, right] = [Math.min(top, y), Math.max(bottom, y), Math.min(left, x), Math.max(right, x)];
  }
  const area = bottom < 0 ? 1 : (bottom - top + 1) * (right - left + 1);
  return { mass, stroke: strokeWidth(Float32Array.from(field), IMAGE_SIZE, IMAGE_SIZE), fill: mass / area };
}

const entropy = (probabilities: readonly number[]) => -probabilities.reduce((sum, p) => sum + (p > 0 ? p * Math.log(p) : 0), 0);

/** Whether a prediction is sure enough to state as a digit, and if not, why (one short line). */
export function judgeConfidence(
  probabilities: readonly number[],
  field?: ArrayLike<number>,
  ink?: InkSummary,
): Pick<Prediction, 'confident' | 'reason'> {
  if (ink && ink.extent < LEAST_EXTENT) return { confident: false, reason: 'too little ink to read: draw the digit larger' };
  if (field) {
    const { mass, stroke, fill } = fieldInk(field);
    if (mass > MOST_INK || (stroke > BLOB_STROKE && fill > BLOB_FILL)) {
      // Without the drawing's summary a scaled-up dot and a scribble look alike.
      const reason = ink ? 'this looks like a scribble, not a digit' : 'too little ink or a scribble: this does not look like a digit';
      return { confident: false, reason };
    }
  }
  const ranked = probabilities.map((p, d) => [d, p] as const).sort((a, b) => b[1] - a[1]);
  const [[first, top], [second]] = ranked;
  if (top < SURE_PROBABILITY) return { confident: false, reason: `unsure: its best guess, ${first}, has only ${Math.round(top * 100)}%` };
  if (entropy(probabilities) > MOST_ENTROPY) return { confident: false, reason: `unsure: it hesitates between ${first} and ${second}` };
  return { confident: true };
}
