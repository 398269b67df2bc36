// What a reading model learns as "not one digit": pieces of ink that a number's segmenter may offer but that
// are not a whole digit. Made from a split's own digits, each through the same MNIST recipe (`fieldOfInk`)
// that the segmenter puts every candidate through, so the model sees them as it will see them when reading:
//   part     the left or right part of a digit (a digit cut in two), or its top or bottom;
//   pair     two digits squeezed together, overlapping or nearly touching;
//   sliver   a whole digit with a sliver of its neighbour;
//   speck    stray dots and short dashes.
// After LeCun, Bottou, Bengio and Haffner (1998), section VI: the recognizer scores each candidate of a
// heuristic over-segmentation, and learns to give non-characters a low score.
import { fieldOfInk, inkBox } from '../../shared/preprocess.ts';
import { IMAGE_SIZE, NOT_ONE_DIGIT, PIXELS } from '../../shared/mnist.ts';
import { rng } from './rng.ts';
import type { Split } from './dataset.ts';

/** The kinds of piece, with their shares of the generated set. */
export const PIECE_KINDS = { part: 0.4, pair: 0.3, sliver: 0.2, speck: 0.1 } as const;
export type PieceKind = keyof typeof PIECE_KINDS;

/** Digits narrower than this share of their height (a 1) have no part that differs from a whole digit. */
const NARROW = 0.45;
/** A part whose rows' centres lie this close (field pixels, RMS) to a straight line is a plain stroke: a 1. */
const STRAIGHT = 0.9;

/** A digit's ink (0–1) on a small canvas, with its tight box. */
interface Ink {
  ink: Float32Array;
  width: number;
  height: number;
}

/** Sample `index` of `split` cropped to its ink columns (rows kept whole, so digits share a baseline). */
function digitInk(split: Split, index: number): Ink & { left: number; right: number; top: number; bottom: number } {
  const src = split.pixels.subarray(index * PIXELS, (index + 1) * PIXELS);
  let [left, right, top, bottom] = [IMAGE_SIZE, -1, IMAGE_SIZE, -1];
  for (let y = 0; y < IMAGE_SIZE; y++)
    for (let x = 0; x < IMAGE_SIZE; x++)
      if (src[y * IMAGE_SIZE + x] >= 26) [left, right, top, bottom] = [Math.min(left, x), Math.max(right, x), Math.min(top, y), Math.max(bottom, y)];
  if (right < 0) [left, right, top, bottom] = [0, IMAGE_SIZE - 1, 0, IMAGE_SIZE - 1];
  const width = right - left + 1;
  const ink = new Float32Array(width * IMAGE_SIZE);
  for (let y = 0; y < IMAGE_SIZE; y++) for (let x = 0; x < width; x++) ink[y * width + x] = src[y * IMAGE_SIZE + left + x] / 255;
  return { ink, width, height: IMAGE_SIZE, left, right, top, bottom };
}

/** Paint `d` (or its columns [from, to)) into `canvas` at x offset `at`, y offset `dy`, max-combined. */
function place(canvas: Ink, d: Ink, at: number, dy: number, from = 0, to = d.width): void {
  for (let y = 0; y < d.height; y++) {
    const cy = y + dy;
    if (cy < 0 || cy >= canvas.height) continue;
    for (let x = from; x < to; x++) {
      const cx = at + x - from;
      if (cx < 0 || cx >= canvas.width) continue;
      const v = d.ink[y * d.width + x];
      if (v > canvas.ink[cy * canvas.width + cx]) canvas.ink[cy * canvas.width + cx] = v;
    }
  }
}

/**
 * Whether a field's ink is one straight stroke, as a 1 is: the centre of each row's ink lies on a line. The
 * halves of a 0 are arcs and stay; a 4's or a 9's stem cut away would teach the model that 1s are not digits.
 */
export function isStraightStroke(field: Float32Array): boolean {
  const rows: [number, number][] = [];
  for (let y = 0; y < IMAGE_SIZE; y++) {
    let [mass, moment] = [0, 0];
    for (let x = 0; x < IMAGE_SIZE; x++) [mass, moment] = [mass + field[y * IMAGE_SIZE + x], moment + x * field[y * IMAGE_SIZE + x]];
    if (mass > 0.5) rows.push([y, moment / mass]);
  }
  if (rows.length < 8) return false;
  const n = rows.length;
  const my = rows.reduce((s, [y]) => s + y, 0) / n;
  const mx = rows.reduce((s, [, x]) => s + x, 0) / n;
  const slope = rows.reduce((s, [y, x]) => s + (y - my) * (x - mx), 0) / rows.reduce((s, [y]) => s + (y - my) ** 2, 0);
  const rms = Math.sqrt(rows.reduce((s, [y, x]) => s + (x - mx - slope * (y - my)) ** 2, 0) / n);
  return rms < STRAIGHT;
}

/** The MNIST field of a canvas's ink, or null when it holds none. */
function fieldOf(canvas: Ink): Float32Array | null {
  const box = inkBox(canvas.ink, canvas.width, canvas.height);
  return box ? fieldOfInk(canvas.ink, canvas.width, box) : null;
}

const blank = (width: number, height: number): Ink => ({ ink: new Float32Array(width * height), width, height });

/** One piece of kind `kind` made from digits of `split`, drawn by `random`; null when the draw gave no ink. */
export function makePiece(split: Split, kind: PieceKind, random: () => number): Float32Array | null {
  const pick = () => digitInk(split, Math.floor(random() * split.count));
  const drift = () => Math.round((random() * 2 - 1) * 2);
  if (kind === 'part') {
    let d = pick();
    for (let tries = 0; tries < 8 && d.width < NARROW * (d.bottom - d.top + 1); tries++) d = pick();
    const canvas = blank(d.width, d.height);
    if (random() < 0.8) {
      // A vertical cut between a quarter and three quarters of the way across: keep one side.
      const cut = Math.max(1, Math.min(d.width - 1, Math.round(d.width * (0.25 + random() * 0.5))));
      if (random() < 0.5) place(canvas, d, 0, 0, 0, cut);
      else place(canvas, d, 0, 0, cut, d.width);
    } else {
      // A horizontal cut: the top or the bottom of a digit (a 5's flag, a 7's bar, a loop).
      const h = d.bottom - d.top + 1;
      const cut = d.top + Math.round(h * (0.3 + random() * 0.4));
      place(canvas, d, 0, 0);
      if (random() < 0.5) canvas.ink.fill(0, cut * canvas.width);
      else canvas.ink.fill(0, 0, cut * canvas.width);
    }
    const field = fieldOf(canvas);
    return field && !isStraightStroke(field) ? field : null;
  }
  if (kind === 'pair' || kind === 'sliver') {
    const a = pick();
    const b = pick();
    const canvas = blank(a.width + b.width + 4, IMAGE_SIZE + 4);
    if (kind === 'pair') {
      // Squeezed: b starts inside a (up to half the narrower one) or a pixel or two after it.
      const overlap = Math.round((random() * 0.6 - 0.1) * Math.min(a.width, b.width));
      place(canvas, a, 0, 2 + drift());
      place(canvas, b, a.width - overlap, 2 + drift());
    } else {
      // A whole digit and 15–40% of its neighbour's width, on either side.
      const share = 0.15 + random() * 0.25;
      const gap = Math.round(random() * 2);
      const columns = Math.max(1, Math.round(b.width * share));
      if (random() < 0.5) {
        place(canvas, a, 0, 2 + drift());
        place(canvas, b, a.width + gap, 2 + drift(), 0, columns);
      } else {
        place(canvas, b, 0, 2 + drift(), b.width - columns, b.width);
        place(canvas, a, columns + gap, 2 + drift());
      }
    }
    return fieldOf(canvas);
  }
  // Specks: one to three dots, or a short flat dash, far smaller than a digit's height.
  const canvas = blank(IMAGE_SIZE, IMAGE_SIZE);
  const dots = random() < 0.7 ? 1 + Math.floor(random() * 3) : 0;
  const paint = (cx: number, cy: number, rx: number, ry: number) => {
    for (let y = 0; y < IMAGE_SIZE; y++)
      for (let x = 0; x < IMAGE_SIZE; x++) {
        const d = Math.hypot((x + 0.5 - cx) / rx, (y + 0.5 - cy) / ry);
        canvas.ink[y * IMAGE_SIZE + x] = Math.max(canvas.ink[y * IMAGE_SIZE + x], Math.min(1, Math.max(0, (1.2 - d) * 2)));
      }
  };
  for (let k = 0; k < dots; k++) paint(6 + random() * 16, 6 + random() * 16, 1 + random() * 1.5, 1 + random() * 1.5);
  if (dots === 0) paint(14, 14, 3 + random() * 5, 1 + random() * 0.8);
  return fieldOf(canvas);
}

/** `count` generated pieces of every kind from `split`'s digits, labelled NOT_ONE_DIGIT, as bytes like a split. */
export function notOneDigitPieces(split: Split, count: number, seed: number): Split {
  const random = rng(seed ^ 0x9ece5);
  const pixels = new Uint8Array(count * PIXELS);
  const kinds = Object.entries(PIECE_KINDS) as [PieceKind, number][];
  for (let n = 0; n < count; n++) {
    let u = random();
    const kind = kinds.find(([, share]) => (u -= share) < 0)?.[0] ?? 'part';
    let field = makePiece(split, kind, random);
    while (!field) field = makePiece(split, kind, random);
    for (let p = 0; p < PIXELS; p++) pixels[n * PIXELS + p] = Math.round(Math.min(1, Math.max(0, field[p])) * 255);
  }
  return { count, pixels, labels: new Uint8Array(count).fill(NOT_ONE_DIGIT) };
}

/** A reading model's share of generated pieces beside the digits of its split. */
export const PIECE_SHARE = 0.5;
