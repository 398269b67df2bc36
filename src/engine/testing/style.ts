// A synthetic personal style for tests: MNIST digits as one person might write them, slanted strongly
// forward, with a thicker pen, and 7s with a crossbar. Deterministic: the same digits give the same drawings.
import { Augmenter, type AugmentParams } from '../data/augment.ts';
import type { Split } from '../data/dataset.ts';
import { IMAGE_SIZE, PIXELS } from '../../shared/mnist.ts';

/** The style's slant: a horizontal shear of −32° (the top leans right). */
export const STYLE_SHEAR_DEGREES = -40;
const OFF = { shift: 0, rotation: 0, scale: 0, shear: 0, thickness: 0, elastic: 0 };
const STYLE: AugmentParams = {
  shiftX: 0,
  shiftY: 0,
  rotation: 0,
  scale: 0.92,
  shear: (STYLE_SHEAR_DEGREES * Math.PI) / 180,
  thickness: 0.5,
  field: 0,
  mirror: 0,
  signs: 0,
  elastic: 0,
};

/** A crossbar through the middle of a 7's stem: 9 pixels wide, 2 rows, at 55% of the ink's height. */
function crossSeven(field: Float32Array): void {
  let [top, bottom] = [IMAGE_SIZE, -1];
  for (let p = 0; p < PIXELS; p++)
    if (field[p] > 0.3) [top, bottom] = [Math.min(top, Math.floor(p / IMAGE_SIZE)), Math.max(bottom, Math.floor(p / IMAGE_SIZE))];
  if (bottom < 0) return;
  const row = Math.round(top + 0.55 * (bottom - top));
  let [mass, sum] = [0, 0];
  for (let x = 0; x < IMAGE_SIZE; x++) [mass, sum] = [mass + field[row * IMAGE_SIZE + x], sum + x * field[row * IMAGE_SIZE + x]];
  const centre = mass > 0 ? Math.round(sum / mass) : IMAGE_SIZE / 2;
  for (const y of [row, row + 1])
    for (let x = Math.max(0, centre - 4); x <= Math.min(IMAGE_SIZE - 1, centre + 4); x++)
      field[y * IMAGE_SIZE + x] = Math.max(field[y * IMAGE_SIZE + x], 1);
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
    if (split.labels[i] === 7) crossSeven(field);
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
