// Reading a whole number: the ink of a drawing, a scan or a photo cut into digits, each put through the
// same MNIST recipe as a single digit. Pure (no Node, no tfjs): the model that scores candidate cuts and
// reads each piece is handed in as `classify`, so the engine and the tests share one segmenter.
//
// The steps: ink found against the paper's local brightness (so shading across a page does not read as
// ink); connected components of that ink; specks dropped; components merged when they overlap
// horizontally (a 5's flag, a 4's two strokes, a 7's bar); pieces wider than a digit split where their
// vertical projection is thin and the model is surest of both halves.
import type { Stroke } from './digits.ts';
import { fieldOfInk, type Box, type RawImage } from './preprocess.ts';
import { paperInk, strokeInk, WORKING_SIDE } from './ink-map.ts';

export { paperInk, strokeInk, WORKING_SIDE } from './ink-map.ts';

/** Probabilities (10 per field) for a batch of 28×28 fields. */
export type Classify = (fields: Float32Array[]) => Promise<number[][]>;

/** One digit of a number read: where it is (image pixels), what the model saw and said. */
export interface DigitPiece {
  box: Box;
  field: Float32Array;
  probabilities: number[];
  label: number;
}

/** Ink below this (0–1) is not part of any component. */
const COMPONENT_INK = 0.35;
/** A component whose longer side is below this share of the tallest component's height is a speck. */
const SPECK = 0.2;
/** Components whose horizontal ranges overlap by this share of the narrower one belong to one digit. */
const MERGE_OVERLAP = 0.4;
/** Pieces wider than this times their height may hold two digits: the model decides. */
const MAYBE_TWO = 0.7;
/** Neither side of a cut may be shorter than this share of the number's typical digit height. */
const LEAST_HEIGHT = 0.6;
/** Pieces wider than this times their height hold at least two digits: always cut. */
const SURELY_TWO = 1.45;
/** A cut must leave each side at least this share of the piece's width. */
const CUT_MARGIN = 0.2;
/** How much surer (geometric mean of the halves' top probabilities) a cut must make the model than no cut. */
const CUT_GAIN = 0.15;
/** How much a cut through the piece's thickest column costs against one through nothing (sureness units). */
const THIN_CUT = 0.002;
/** The most pieces one number may hold; more marks than this is not a number. */
export const MAX_DIGITS = 40;
/** A piece of ink: the components it holds (by label) and the columns it keeps, with its tight box. */
interface Piece {
  labels: Set<number>;
  /** Columns [from, to) of the image this piece keeps (a cut piece keeps one side). */
  from: number;
  to: number;
  box: Box;
}

interface Components {
  labels: Int32Array;
  boxes: Box[];
}

/** 8-connected components of the pixels with ink ≥ COMPONENT_INK; labels 1…n, 0 for background. */
export function components(ink: Float32Array, width: number, height: number): Components {
  const labels = new Int32Array(ink.length);
  const boxes: Box[] = [];
  const stack: number[] = [];
  for (let start = 0; start < ink.length; start++) {
    if (labels[start] || ink[start] < COMPONENT_INK) continue;
    const label = boxes.length + 1;
    let [left, right, top, bottom] = [width, -1, height, -1];
    labels[start] = label;
    stack.push(start);
    while (stack.length) {
      const p = stack.pop()!;
      const x = p % width;
      const y = (p - x) / width;
      [left, right, top, bottom] = [Math.min(left, x), Math.max(right, x), Math.min(top, y), Math.max(bottom, y)];
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
          const q = yy * width + xx;
          if (labels[q] || ink[q] < COMPONENT_INK) continue;
          labels[q] = label;
          stack.push(q);
        }
      }
    }
    boxes.push({ left, top, width: right - left + 1, height: bottom - top + 1 });
  }
  return { labels, boxes };
}

const unionBox = (a: Box, b: Box): Box => {
  const left = Math.min(a.left, b.left);
  const top = Math.min(a.top, b.top);
  return { left, top, width: Math.max(a.left + a.width, b.left + b.width) - left, height: Math.max(a.top + a.height, b.top + b.height) - top };
};

/** The ink of `piece` alone, cropped to its tight box: what fieldOfInk needs. */
function pieceInk(ink: Float32Array, labels: Int32Array, width: number, piece: Piece): { crop: Float32Array; box: Box } | null {
  const { left, top, width: w, height: h } = piece.box;
  const crop = new Float32Array(w * h);
  let [l, r, t, b] = [w, -1, h, -1];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const ix = left + x;
      if (ix < piece.from || ix >= piece.to) continue;
      const p = (top + y) * width + ix;
      // Faint edges belong to the component they border.
      const owner = labels[p] || nearestLabel(labels, width, ink.length / width, ix, top + y);
      if (!owner || !piece.labels.has(owner)) continue;
      crop[y * w + x] = ink[p];
      if (ink[p] >= 0.1) [l, r, t, b] = [Math.min(l, x), Math.max(r, x), Math.min(t, y), Math.max(b, y)];
    }
  }
  return r < 0 ? null : { crop, box: { left: l, top: t, width: r - l + 1, height: b - t + 1 } };
}

/** A labelled neighbour of an unlabelled pixel (its faint edge), or 0. */
function nearestLabel(labels: Int32Array, width: number, height: number, x: number, y: number): number {
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx;
      const yy = y + dy;
      if (xx >= 0 && yy >= 0 && xx < width && yy < height && labels[yy * width + xx]) return labels[yy * width + xx];
    }
  }
  return 0;
}

/** The tight box of the piece's own pixels (labels and columns), or null when the columns hold none of it. */
function tighten(labels: Int32Array, width: number, piece: Omit<Piece, 'box'>, within: Box): Piece | null {
  let [l, r, t, b] = [Infinity, -1, Infinity, -1];
  for (let y = within.top; y < within.top + within.height; y++) {
    for (let x = Math.max(within.left, piece.from); x < Math.min(within.left + within.width, piece.to); x++) {
      if (!piece.labels.has(labels[y * width + x])) continue;
      [l, r, t, b] = [Math.min(l, x), Math.max(r, x), Math.min(t, y), Math.max(b, y)];
    }
  }
  return r < 0 ? null : { ...piece, box: { left: l, top: t, width: r - l + 1, height: b - t + 1 } };
}

export interface SegmentOptions {
  /** Read no more pieces than this (the rest is an error for the caller). */
  maxDigits?: number;
}

/**
 * Cut an ink map into digits, left to right, and read each with `classify`. Returns an empty list when
 * there is no ink; throws a RangeError when there are more marks than a number holds.
 */
export async function segmentInk(
  ink: Float32Array,
  width: number,
  height: number,
  classify: Classify,
  options: SegmentOptions = {},
): Promise<DigitPiece[]> {
  const { labels, boxes } = components(ink, width, height);
  if (boxes.length === 0) return [];
  const tallest = Math.max(...boxes.map((b) => b.height));
  // Specks: small in both directions next to the tallest mark.
  const kept = boxes.map((box, i) => ({ box, label: i + 1 })).filter(({ box }) => Math.max(box.width, box.height) >= SPECK * tallest);
  kept.sort((a, b) => a.box.left - b.box.left);
  // Merge what overlaps horizontally: one digit's separate strokes.
  const groups: { labels: Set<number>; box: Box }[] = [];
  for (const { box, label } of kept) {
    const overlapping = groups.filter((g) => {
      const overlap = Math.min(g.box.left + g.box.width, box.left + box.width) - Math.max(g.box.left, box.left);
      return overlap >= MERGE_OVERLAP * Math.min(g.box.width, box.width);
    });
    if (overlapping.length === 0) {
      groups.push({ labels: new Set([label]), box });
      continue;
    }
    const [first, ...rest] = overlapping;
    first.labels.add(label);
    first.box = unionBox(first.box, box);
    for (const other of rest) {
      other.labels.forEach((l) => first.labels.add(l));
      first.box = unionBox(first.box, other.box);
      groups.splice(groups.indexOf(other), 1);
    }
  }
  const maxDigits = options.maxDigits ?? MAX_DIGITS;
  if (groups.length > maxDigits) throw new RangeError(`more than ${maxDigits} separate marks: this does not look like a number`);

  const fieldOf = (piece: Piece): Float32Array | null => {
    const c = pieceInk(ink, labels, width, piece);
    return c ? fieldOfInk(c.crop, piece.box.width, c.box) : null;
  };

  const out: DigitPiece[] = [];
  const queue: Piece[] = groups.map((g) => ({ labels: g.labels, from: 0, to: width, box: g.box }));
  const heights = groups.map((g) => g.box.height).sort((a, b) => a - b);
  const typical = heights[Math.floor(heights.length / 2)];
  let guard = 0;
  while (queue.length) {
    const piece = queue.shift()!;
    const whole = fieldOf(piece);
    if (!whole) continue;
    // A short piece (a fragment, a dash) is judged against the number's height, not its own.
    const aspect = piece.box.width / Math.max(piece.box.height, typical);
    if (aspect > MAYBE_TWO && guard++ < maxDigits) {
      const cut = await bestCut(piece, whole, aspect, typical, labels, width, ink, fieldOf, classify);
      if (cut) {
        queue.unshift(...cut);
        continue;
      }
    }
    const [probabilities] = await classify([whole]);
    out.push({ box: piece.box, field: whole, probabilities, label: argmax(probabilities) });
    if (out.length > maxDigits) throw new RangeError(`more than ${maxDigits} digits: this does not look like a number`);
  }
  return out.sort((a, b) => a.box.left - b.box.left);
}

const argmax = (values: readonly number[]) => values.indexOf(Math.max(...values));

/** The best vertical cut of a wide piece into two, or null when the model is surer of it whole. */
async function bestCut(
  piece: Piece,
  whole: Float32Array,
  aspect: number,
  typical: number,
  labels: Int32Array,
  width: number,
  ink: Float32Array,
  fieldOf: (piece: Piece) => Float32Array | null,
  classify: Classify,
): Promise<[Piece, Piece] | null> {
  const { left, top, width: w, height: h } = piece.box;
  // The piece's ink per column: digits meet where it is thin.
  const projection = new Float32Array(w);
  for (let y = top; y < top + h; y++) {
    for (let x = left; x < left + w; x++) {
      const p = y * width + x;
      if (x >= piece.from && x < piece.to && piece.labels.has(labels[p])) projection[x - left] += ink[p];
    }
  }
  const from = Math.max(1, Math.floor(w * CUT_MARGIN));
  const to = Math.min(w - 1, Math.ceil(w * (1 - CUT_MARGIN)));
  const candidates = new Set<number>();
  for (let x = from; x < to; x++) {
    const v = projection[x];
    let minimum = true;
    for (let d = -2; d <= 2 && minimum; d++) if (d && x + d >= 0 && x + d < w && projection[x + d] < v) minimum = false;
    if (minimum) candidates.add(x);
  }
  const step = Math.max(1, Math.floor((to - from) / 8));
  for (let x = from; x < to; x += step) candidates.add(x);
  const splits: [Piece, Piece][] = [];
  const thickness: number[] = [];
  const fields: Float32Array[] = [];
  const thickest = Math.max(...projection) || 1;
  for (const x of candidates) {
    const at = left + x;
    const a = tighten(labels, width, { labels: piece.labels, from: piece.from, to: at }, piece.box);
    const b = tighten(labels, width, { labels: piece.labels, from: at, to: piece.to }, piece.box);
    if (!a || !b || Math.min(a.box.height, b.box.height) < LEAST_HEIGHT * typical) continue;
    const fa = fieldOf(a);
    const fb = fieldOf(b);
    if (!fa || !fb) continue;
    splits.push([a, b]);
    thickness.push(projection[x] / thickest);
    fields.push(fa, fb);
  }
  if (splits.length === 0) return null;
  const probabilities = await classify([whole, ...fields]);
  const sureness = (p: number[]) => Math.max(...p);
  const wholeScore = sureness(probabilities[0]);
  let best = -1;
  let bestScore = -Infinity;
  splits.forEach((_, k) => {
    // Both halves must be digits: the geometric mean rewards cuts where the model is sure of each.
    const score = Math.sqrt(sureness(probabilities[1 + 2 * k]) * sureness(probabilities[2 + 2 * k]));
    // Between cuts the model likes alike, the thinner junction.
    if (score - THIN_CUT * thickness[k] > bestScore - (best >= 0 ? THIN_CUT * thickness[best] : 0)) [best, bestScore] = [k, score];
  });
  if (aspect >= SURELY_TWO || bestScore > wholeScore + CUT_GAIN) return splits[best];
  return null;
}

/** An image's ink map, averaged down to at most WORKING_SIDE, with the factor that maps back to its pixels. */
export function workingInk(image: RawImage): { ink: Float32Array; width: number; height: number; scale: number } | null {
  const ink = paperInk(image);
  if (!ink) return null;
  const scale = Math.max(1, Math.max(image.width, image.height) / WORKING_SIDE);
  if (scale === 1) return { ink, width: image.width, height: image.height, scale };
  const width = Math.max(1, Math.floor(image.width / scale));
  const height = Math.max(1, Math.floor(image.height / scale));
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let count = 0;
      for (let yy = Math.floor(y * scale); yy < Math.min(image.height, Math.floor((y + 1) * scale)); yy++) {
        for (let xx = Math.floor(x * scale); xx < Math.min(image.width, Math.floor((x + 1) * scale)); xx++) {
          sum += ink[yy * image.width + xx];
          count++;
        }
      }
      out[y * width + x] = count ? sum / count : 0;
    }
  }
  return { ink: out, width, height, scale };
}

/** Read a number from an image (null: a flat image, no ink at all); boxes are in the image's pixels. */
export async function segmentImage(image: RawImage, classify: Classify, options?: SegmentOptions): Promise<DigitPiece[] | null> {
  const working = workingInk(image);
  if (!working) return null;
  const pieces = await segmentInk(working.ink, working.width, working.height, classify, options);
  const s = working.scale;
  return pieces.map((p) => ({
    ...p,
    box: { left: Math.floor(p.box.left * s), top: Math.floor(p.box.top * s), width: Math.ceil(p.box.width * s), height: Math.ceil(p.box.height * s) },
  }));
}

/** Read a number from a drawing's strokes on a canvas of the given size. */
export async function segmentStrokes(
  strokes: readonly Stroke[],
  canvas: { width: number; height: number },
  classify: Classify,
  options?: SegmentOptions,
): Promise<DigitPiece[]> {
  return segmentInk(strokeInk(strokes, canvas), canvas.width, canvas.height, classify, options);
}
