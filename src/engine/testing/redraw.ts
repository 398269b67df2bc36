// Test fixture: MNIST digits redrawn as people draw on a canvas, anywhere on it, at any size, in either
// polarity, with or without alpha. Medium and bold markers follow the digit's own outline (its upscaled
// image cut at a low or middle intensity, with an anti-aliased edge); a thin pen traces the strokes' centre
// lines (Zhang–Suen on the digit upscaled 4×) with a round tip 2–4% of the digit's height wide.
import { rng } from '../data/batches.ts';
import { IMAGE_SIZE, PIXELS, type Split } from '../data/dataset.ts';
import type { RawImage } from '../../shared/preprocess.ts';
import { paintSegment } from '../../shared/ink-map.ts';

export type Style = 'dark-on-light' | 'light-on-dark' | 'alpha' | 'gray';
export type Pen = 'thin' | 'medium' | 'bold';

export interface Redrawn {
  image: RawImage;
  label: number;
  style: Style;
  stroke: Pen;
}

/** A thin pen's width, as a fraction of the digit's height. */
const THIN_PEN: [number, number] = [0.02, 0.04];
/** Where medium and bold markers cut the digit's intensity (0–1): lower cuts make fatter strokes. */
const CUT: Record<'medium' | 'bold', [number, number]> = { medium: [0.4, 0.6], bold: [0.2, 0.35] };
/**
 * Where the thin pen's centre lines are found: at half intensity, the usual binarisation of MNIST (and
 * the one the stroke widths in preprocess.ts are measured at). Lower cuts fill small loops, turning a
 * thinly traced 9 into a 7 that no person would draw.
 */
const SKELETON_CUT = 0.5;

/** The skeleton is found on the digit upscaled this many times, where centre lines come out smooth. */
const UPSCALE = 4;
const GRID = IMAGE_SIZE * UPSCALE;

/** Zhang–Suen thinning of a binary GRID×GRID image: the strokes' one-pixel centre lines. */
export function skeleton(on: Uint8Array): Uint8Array {
  const n = GRID;
  const img = on.slice();
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= n || y >= n ? 0 : img[y * n + x]);
  for (let changed = true; changed;) {
    changed = false;
    for (const pass of [0, 1]) {
      const clear: number[] = [];
      for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) {
          if (!img[y * n + x]) continue;
          const p = [at(x, y - 1), at(x + 1, y - 1), at(x + 1, y), at(x + 1, y + 1), at(x, y + 1), at(x - 1, y + 1), at(x - 1, y), at(x - 1, y - 1)];
          const neighbours = p.reduce((a, b) => a + b, 0);
          let transitions = 0;
          for (let i = 0; i < 8; i++) if (!p[i] && p[(i + 1) % 8]) transitions++;
          const [p2, , p4, , p6, , p8] = p;
          const ok = pass === 0 ? !(p2 && p4 && p6) && !(p4 && p6 && p8) : !(p2 && p4 && p8) && !(p2 && p6 && p8);
          if (neighbours >= 2 && neighbours <= 6 && transitions === 1 && ok) clear.push(y * n + x);
        }
      }
      for (const i of clear) img[i] = 0;
      if (clear.length) changed = true;
    }
  }
  return img;
}

/** Bilinear sample (0–1) of a 28×28 byte image at (x, y) in its pixel units. */
function sample(pixels: Uint8Array, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xx: number, yy: number) => (xx < 0 || yy < 0 || xx >= IMAGE_SIZE || yy >= IMAGE_SIZE ? 0 : pixels[yy * IMAGE_SIZE + xx]);
  return ((at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy) / 255;
}

/** The digit upscaled to GRID×GRID and cut at `cut`. */
function upscaled(pixels: Uint8Array, cut: number): Uint8Array {
  const out = new Uint8Array(GRID * GRID);
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) out[y * GRID + x] = sample(pixels, (x + 0.5) / UPSCALE - 0.5, (y + 0.5) / UPSCALE - 0.5) >= cut ? 1 : 0;
  }
  return out;
}

/** A marker following the digit's outline: its upscaled intensity cut at `cut`, with a soft edge. */
function outline(ink: Float32Array, width: number, pixels: Uint8Array, left: number, top: number, size: number, cut: number): void {
  // The digit with a one-pixel margin of background, so that the bilinear taps need no bounds checks.
  const P = IMAGE_SIZE + 2;
  const padded = new Float32Array(P * P);
  for (let y = 0; y < IMAGE_SIZE; y++) for (let x = 0; x < IMAGE_SIZE; x++) padded[(y + 1) * P + x + 1] = pixels[y * IMAGE_SIZE + x] / 255;
  const scale = IMAGE_SIZE / size;
  const cell = new Int32Array(size);
  const frac = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const at = Math.min(IMAGE_SIZE - 0.001, Math.max(-1, (i + 0.5) * scale - 0.5));
    cell[i] = Math.floor(at) + 1;
    frac[i] = at - Math.floor(at);
  }
  for (let y = 0; y < size; y++) {
    const row = (top + y) * width + left;
    const r0 = cell[y] * P;
    const fy = frac[y];
    for (let x = 0; x < size; x++) {
      const i = r0 + cell[x];
      const fx = frac[x];
      const v = (padded[i] * (1 - fx) + padded[i + 1] * fx) * (1 - fy) + (padded[i + P] * (1 - fx) + padded[i + P + 1] * fx) * fy;
      ink[row + x] = Math.min(1, Math.max(0, (v - cut) / 0.1 + 0.5));
    }
  }
}

/** The segments joining neighbouring skeleton pixels, in GRID coordinates. */
function segments(skel: Uint8Array): [number, number, number, number][] {
  const n = GRID;
  const out: [number, number, number, number][] = [];
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      if (!skel[y * n + x]) continue;
      out.push([x, y, x, y]);
      for (const [dx, dy] of [
        [1, 0],
        [0, 1],
        [1, 1],
        [-1, 1],
      ]) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx >= 0 && xx < n && yy < n && skel[yy * n + xx]) out.push([x, y, xx, yy]);
      }
    }
  }
  return out;
}

/** Paint round-capped segments of `radius` into an ink field (max-combined, anti-aliased edge). */
function trace(ink: Float32Array, width: number, segs: [number, number, number, number][], radius: number): void {
  for (const [ax, ay, bx, by] of segs) paintSegment(ink, width, ax, ay, bx, by, radius);
}

/** Trace a digit's centre lines (28×28 bytes) with a round pen into `ink` (`width` wide), `digitSize` tall at (left, top). */
function traceDigit(pixels: Uint8Array, ink: Float32Array, width: number, left: number, top: number, digitSize: number, penWidth: number): void {
  const scale = digitSize / GRID;
  const at = (v: number, from: number) => from + (v + 0.5) * scale;
  const segs = segments(skeleton(upscaled(pixels, SKELETON_CUT))).map(
    ([ax, ay, bx, by]) => [at(ax, left), at(ay, top), at(bx, left), at(by, top)] as [number, number, number, number],
  );
  trace(ink, width, segs, penWidth / 2);
}

/** Redraw sample `index` of `split` on a random canvas; the same seed gives the same drawing. */
export function redraw(split: Split, index: number, seed: number): Redrawn {
  const random = rng(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const width = 200 + Math.floor(random() * 300);
  const height = 200 + Math.floor(random() * 300);
  const digitSize = Math.floor(Math.min(width, height) * (0.35 + random() * 0.6));
  const left = Math.floor(random() * (width - digitSize));
  const top = Math.floor(random() * (height - digitSize));
  const stroke = pick(['thin', 'medium', 'bold'] as const);
  const amount = random();
  const style = pick(['dark-on-light', 'light-on-dark', 'alpha', 'gray'] as const);

  const pixels = split.pixels.subarray(index * PIXELS, (index + 1) * PIXELS);
  const ink = new Float32Array(width * height);
  if (stroke === 'thin') {
    // Digits fill about 20 of MNIST's 28 pixels: the pen is relative to that height.
    const penWidth = Math.max(1.5, (THIN_PEN[0] + amount * (THIN_PEN[1] - THIN_PEN[0])) * digitSize * (20 / 28));
    traceDigit(pixels, ink, width, left, top, digitSize, penWidth);
  } else {
    const [lo, hi] = CUT[stroke];
    outline(ink, width, pixels, left, top, digitSize, lo + amount * (hi - lo));
  }

  const channels = style === 'gray' ? 1 : 4;
  const data = new Uint8Array(width * height * channels);
  // Each style is paper colour + ink × (ink colour − paper colour), per channel.
  const [paper, pen] = {
    gray: [[255], [0]],
    alpha: [
      [20, 40, 200, 0],
      [20, 40, 200, 255],
    ],
    'dark-on-light': [
      [255, 255, 255, 255],
      [0, 0, 25, 255],
    ],
    'light-on-dark': [
      [0, 0, 0, 255],
      [255, 255, 255, 255],
    ],
  }[style];
  for (let i = 0; i < ink.length; i++) {
    const v = ink[i];
    for (let c = 0; c < channels; c++) data[i * channels + c] = paper[c] + v * (pen[c] - paper[c]);
  }
  return { image: { width, height, channels, data }, label: split.labels[index], style, stroke };
}

/**
 * Sample `index` of `split` traced along its centre lines with a round pen `penWidth` wide, the digit
 * `digitSize` tall, in the middle of a `canvas`-square transparent canvas: a digit drawn on the pad.
 */
export function tracedDigit(split: Split, index: number, digitSize: number, penWidth: number, canvas: number): RawImage {
  const pixels = split.pixels.subarray(index * PIXELS, (index + 1) * PIXELS);
  const ink = new Float32Array(canvas * canvas);
  const offset = (canvas - digitSize) / 2;
  traceDigit(pixels, ink, canvas, offset, offset, digitSize, penWidth);
  const data = new Uint8Array(canvas * canvas * 4);
  ink.forEach((v, i) => data.set([0, 0, 0, Math.round(v * 255)], i * 4));
  return { width: canvas, height: canvas, channels: 4, data };
}
