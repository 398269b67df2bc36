// A synthetic personal style for tests: MNIST digits as one person might write them, slanted strongly
// forward, with a thicker pen, 7s with a crossbar, 1s with a flag and a foot, 0s slashed. Deterministic:
// the same digits give the same drawings. The slant is well beyond the augmentation's shear range (30° at
// most), so that a model trained with augmentation has not seen this style either.
import { Augmenter, type AugmentParams } from '../data/augment.ts';
import type { Split } from '../data/dataset.ts';
import { IMAGE_SIZE, PIXELS } from '../../shared/mnist.ts';

/** The style's slant: a horizontal shear of −48° (the top leans right). */
export const STYLE_SHEAR_DEGREES = -48;
const OFF = { shift: 0, rotation: 0, scale: 0, shear: 0, thickness: 0, elastic: 0 };
const STYLE: AugmentParams = {
  shiftX: 0,
  shiftY: 0,
  rotation: 0,
  scale: 0.92,
  shear: (STYLE_SHEAR_DEGREES * Math.PI) / 180,
  thickness: 1,
  field: 0,
  mirror: 0,
  signs: 0,
  elastic: 0,
};

/** The ink's rows and columns (values above 0.3), or null for an empty field. */
function inkBox(field: Float32Array): { top: number; bottom: number; left: number; right: number } | null {
  let [top, bottom, left, right] = [IMAGE_SIZE, -1, IMAGE_SIZE, -1];
  for (let p = 0; p < PIXELS; p++) {
    if (field[p] <= 0.3) continue;
    const [x, y] = [p % IMAGE_SIZE, Math.floor(p / IMAGE_SIZE)];
    [top, bottom, left, right] = [Math.min(top, y), Math.max(bottom, y), Math.min(left, x), Math.max(right, x)];
  }
  return bottom < 0 ? null : { top, bottom, left, right };
}

/** Ink along the segment (ax, ay)–(bx, by), two pixels wide. */
function stroke(field: Float32Array, ax: number, ay: number, bx: number, by: number): void {
  const steps = Math.ceil(Math.hypot(bx - ax, by - ay) * 2) + 1;
  for (let s = 0; s <= steps; s++) {
    const x = Math.round(ax + ((bx - ax) * s) / steps);
    const y = Math.round(ay + ((by - ay) * s) / steps);
    for (const [dx, dy] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ])
      if (x + dx >= 0 && y + dy >= 0 && x + dx < IMAGE_SIZE && y + dy < IMAGE_SIZE) field[(y + dy) * IMAGE_SIZE + x + dx] = 1;
  }
}

/** The mean column of the ink in `row`. */
function inkColumn(field: Float32Array, row: number): number {
  let [mass, sum] = [0, 0];
  for (let x = 0; x < IMAGE_SIZE; x++) [mass, sum] = [mass + field[row * IMAGE_SIZE + x], sum + x * field[row * IMAGE_SIZE + x]];
  return mass > 0 ? sum / mass : IMAGE_SIZE / 2;
}

/** The style's own marks: a crossbar through a 7's stem, a 1 with a flag and a foot, a 0 with a slash. */
function personalMarks(field: Float32Array, label: number): void {
  const box = inkBox(field);
  if (!box) return;
  const { top, bottom, left, right } = box;
  if (label === 7) {
    const row = Math.round(top + 0.55 * (bottom - top));
    const x = inkColumn(field, row);
    stroke(field, x - 4, row, x + 4, row);
  } else if (label === 1) {
    const [xTop, xBottom] = [inkColumn(field, top), inkColumn(field, bottom)];
    stroke(field, xTop, top, xTop - 5, top + 4);
    stroke(field, xBottom - 4, bottom - 1, xBottom + 4, bottom - 1);
  } else if (label === 0) {
    stroke(field, right - 1, top + 1, left + 1, bottom - 1);
  }
}

/** The samples `indices` of `split` redrawn in the style, as a split of bytes. */
export function inStyle(split: Split, indices: ArrayLike<number>): Split {
  const augmenter = new Augmenter(OFF, 0);
  const field = new Float32Array(PIXELS);
  const pixels = new Uint8Array(indices.length * PIXELS);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    augmenter.apply(STYLE, split.pixels.subarray(i * PIXELS, (i + 1) * PIXELS), field);
    personalMarks(field, split.labels[i]);
    for (let p = 0; p < PIXELS; p++) pixels[k * PIXELS + p] = Math.round(field[p] * 255);
    labels[k] = split.labels[i];
  }
  return { count: indices.length, pixels, labels };
}

/** The first `perClass` indices of each digit in `split`, from `start` on. */
export function firstPerClass(split: Split, perClass: number, start = 0): number[] {
  const taken = new Array<number>(10).fill(0);
  const out: number[] = [];
  for (let i = start; i < split.count && out.length < perClass * 10; i++) {
    if (taken[split.labels[i]] < perClass) {
      taken[split.labels[i]]++;
      out.push(i);
    }
  }
  return out;
}
