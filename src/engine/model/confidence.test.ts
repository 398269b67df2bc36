import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/backend.ts';
import { bundledAndTest } from '../testing/bundled.ts';
import { predictDrawing } from './predict.ts';
import { judgeConfidence, SURE_PROBABILITY } from './confidence.ts';
import { type Split } from '../data/dataset.ts';
import { rng } from '../data/batches.ts';
import { redraw, tracedDigit } from '../testing/redraw.ts';
import { preprocessDrawing, type RawImage } from '../../shared/preprocess.ts';
import { PIXELS } from '../../shared/mnist.ts';

let model: tf.LayersModel;
let test: Split;
beforeAll(async () => {
  ({ model, test } = await bundledAndTest());
});

/** A white 280×280 pad with round-pen segments [ax, ay, bx, by] of `radius` in black. */
function pad(segments: number[][], radius: number): RawImage {
  const size = 280;
  const data = new Uint8Array(size * size * 4).fill(255);
  for (const [ax, ay, bx, by] of segments) {
    const steps = Math.ceil(Math.hypot(bx - ax, by - ay)) + 1;
    for (let s = 0; s <= steps; s++) {
      const [x, y] = [ax + ((bx - ax) * s) / steps, ay + ((by - ay) * s) / steps];
      for (let yy = Math.floor(y - radius); yy <= y + radius; yy++)
        for (let xx = Math.floor(x - radius); xx <= x + radius; xx++)
          if ((xx - x) ** 2 + (yy - y) ** 2 <= radius ** 2 && xx >= 0 && yy >= 0 && xx < size && yy < size)
            data.fill(0, (yy * size + xx) * 4, (yy * size + xx) * 4 + 3);
    }
  }
  return { width: size, height: size, channels: 4, data };
}

const dot = pad([[140, 140, 140, 140]], 6);
const tick = pad(
  [
    [130, 140, 136, 148],
    [136, 148, 150, 128],
  ],
  5,
);
/** Sixty random strokes over the middle of the pad. */
function scribble(seed: number): RawImage {
  const random = rng(seed);
  const points = Array.from({ length: 61 }, () => [60 + random() * 160, 60 + random() * 160]);
  return pad(
    points.slice(1).map((p, i) => [...points[i], ...p]),
    7,
  );
}

/** Probabilities of many fields at once. */
function predictAll(fields: Float32Array, count: number): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor4d(fields, [count, 28, 28, 1])) as tf.Tensor).dataSync() as Float32Array);
}

/** The share of correct predictions on `fields` that are judged confident. */
function confidentShare(fields: Float32Array, labels: ArrayLike<number>, count: number): { share: number; correct: number } {
  const probs = predictAll(fields, count);
  let correct = 0;
  let confident = 0;
  for (let i = 0; i < count; i++) {
    const p = Array.from(probs.subarray(i * 10, i * 10 + 10));
    if (p.indexOf(Math.max(...p)) !== labels[i]) continue;
    correct++;
    if (judgeConfidence(p, fields.subarray(i * PIXELS, (i + 1) * PIXELS)).confident) confident++;
  }
  return { share: confident / correct, correct };
}

describe('honest confidence', () => {
  it('calls a dot and a tiny tick too little ink, with the drawing or (the dot) from the field alone', async () => {
    for (const image of [dot, tick]) {
      const prediction = (await predictDrawing(model, image))!;
      expect(prediction).toMatchObject({ confident: false, reason: 'too little ink to read: draw the digit larger' });
    }
    const field = preprocessDrawing(dot)!;
    const probs = Array.from(predictAll(Float32Array.from(field), 1));
    // The model's top probability alone would call the blob the recipe makes of a dot sure; the judgement does not.
    expect(Math.max(...probs)).toBeGreaterThan(SURE_PROBABILITY);
    expect(judgeConfidence(probs, field)).toEqual({ confident: false, reason: expect.stringContaining('too little ink') });
  });

  it('calls dense scribbles unsure, with the drawing and from the field alone', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const prediction = (await predictDrawing(model, scribble(seed)))!;
      expect(prediction.confident, `scribble ${seed}`).toBe(false);
      expect(prediction.reason).toBe('this looks like a scribble, not a digit');
      expect(judgeConfidence(prediction.probabilities, prediction.input).confident).toBe(false);
    }
  });

  it("reads small neat digits drawn with the pad's pen (80 px tall, 22 px wide) as digits, not scribbles", async () => {
    // The first ten test digits other than 1s, traced as a person draws them small on the one-digit pad.
    const picked: number[] = [];
    for (let i = 0; picked.length < 10; i++) if (test.labels[i] !== 1) picked.push(i);
    const read = await Promise.all(picked.map((i) => predictDrawing(model, tracedDigit(test, i, 80, 22, 360))));
    // Eight of these ten were scribbles before; a 6 whose small loop the fat pen filled still may be.
    const scribbles = read.filter((p) => p?.reason?.includes('scribble'));
    expect(scribbles.length).toBeLessThanOrEqual(1);
    expect(read.filter((p, k) => p?.label === test.labels[picked[k]]).length).toBeGreaterThanOrEqual(9);
  });

  it('calls a spread-out or hesitating prediction unsure and says between what', () => {
    expect(judgeConfidence([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])).toEqual({
      confident: false,
      reason: 'unsure: its best guess, 0, has only 10%',
    });
    expect(judgeConfidence([0.04, 0.05, 0.05, 0.06, 0.05, 0.71, 0.04, 0, 0, 0])).toEqual({
      confident: false,
      reason: 'unsure: it hesitates between 5 and 3',
    });
    expect(judgeConfidence([0, 0, 0, 0.01, 0, 0.99, 0, 0, 0, 0])).toEqual({ confident: true });
  });

  it('keeps at least 98% of the bundled model’s correct predictions confident on all 10,000 MNIST test digits', () => {
    const fields = Float32Array.from(test.pixels, (v) => v / 255);
    const { share, correct } = confidentShare(fields, test.labels, test.count);
    console.log(`MNIST test: ${(share * 100).toFixed(2)}% of ${correct} correct predictions confident`);
    // Measured 99.64% of 9,945 correct (99.15% of 9,893 with the previous bundled model); the issue asks for at least 97%.
    expect(share).toBeGreaterThanOrEqual(0.98);
  });

  it('keeps at least 98% of the correct predictions confident on 2,000 redrawn test digits', () => {
    const count = 2000;
    const fields = new Float32Array(count * PIXELS);
    const labels = new Uint8Array(count);
    for (let k = 0; k < count; k++) {
      const drawn = redraw(test, (k * 7919) % test.count, 1000 + k);
      fields.set(preprocessDrawing(drawn.image)!, k * PIXELS);
      labels[k] = drawn.label;
    }
    const { share, correct } = confidentShare(fields, labels, count);
    console.log(`redrawn: ${(share * 100).toFixed(2)}% of ${correct} correct predictions confident`);
    // Measured 98.94% of 1,984 correct (98.47% of 1,962 with the previous bundled model).
    expect(share).toBeGreaterThanOrEqual(0.98);
  });
});
