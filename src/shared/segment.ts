// Reading a whole number: the ink of a drawing, a scan or a photo cut into digits, each put through the
// same MNIST recipe as a single digit. Pure (no Node, no tfjs): the models are handed in as callbacks, so the
// engine and the tests share one segmenter.
//
// The steps, after LeCun, Bottou, Bengio and Haffner (1998), section VI (heuristic over-segmentation):
//   1. ink found against the paper's local background (ink-map.ts), so light and shadow are not ink;
//   2. connected components of that ink; specks dropped; components that overlap horizontally merged (a 5's
//      flag, a 4's two strokes, a 7's bar);
//   3. every piece wider than a narrow digit over-cut by seams (seams.ts): paths of least ink that may run
//      slanted, so that the pieces become slices, more of them than there are digits;
//   4. every run of up to four consecutive slices scored by the reading model, whose eleventh class, "not one
//      digit", marks half digits, squeezed pairs and slivers; dynamic programming chooses the grouping whose
//      digits the model is surest of, all together.
import type { Stroke } from './digits.ts';
import { fieldOfInk, type Box, type RawImage } from './preprocess.ts';
import { paperInk, strokeInk, WORKING_SIDE } from './ink-map.ts';
import { findSeams, type Seam } from './seams.ts';
import { NUM_CLASSES } from './mnist.ts';

export { paperInk, strokeInk, WORKING_SIDE } from './ink-map.ts';

/** Probabilities for a batch of 28×28 fields: 10 per field, or 11 from a reading model ("not one digit" last). */
export type Classify = (fields: Float32Array[]) => Promise<number[][]>;

/** One digit of a number read: where it is (image pixels), what the model saw and said (ten probabilities). */
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
/** Pieces wider than this times the number's typical height may hold two digits: they are over-cut. */
const MAYBE_TWO = 0.4;
/** At most this many consecutive slices make one digit (and no wider than WIDEST). */
const MOST_SLICES = 8;
/** A candidate digit lower than this share of the typical height is a fragment unless nothing else covers it. */
const LOWEST = 0.45;
/** What cutting connected ink costs a reading (log-probability units): a 4's stem is not a 1 beside it. */
const CUT_COST = 1;
/**
 * What cutting a group of connected ink costs, by its width in typical heights: nothing for one as wide as two
 * digits, CUT_COST for one no wider than one digit, in between along the way.
 */
function cutCost(widths: number): number {
  const [narrow, wide] = [0.8, 1.3];
  return CUT_COST * Math.min(1, Math.max(0, (wide - widths) / (wide - narrow)));
}
/** What a fragment costs the reading that keeps it as a digit of its own (log-probability units). */
const FRAGMENT = 12;
/** A digit made of several slices is at most this many times the typical height wide. */
const WIDEST = 1.6;
/** Slices further apart than this share of the typical height are never one digit. */
const FARTHEST = 0.45;
/** Ink that cannot be a written number (too many marks or digits): the person's to fix, said in one line. */
export class NotANumber extends Error {}

/** The most pieces one number may hold; more marks than this is not a number. */
export const MAX_DIGITS = 40;
/** Before merging, a number's digits hold at most this many separate marks each (a 5's flag, an i's dot). */
const MARKS_PER_DIGIT = 4;
/** Digits are read at most this tall (pixels): taller ink is averaged down first. */
const READ_HEIGHT = 64;

/** The median height of the pieces. */
function typicalHeight(groups: readonly { box: Box }[]): number {
  const heights = groups.map((g) => g.box.height).sort((a, b) => a - b);
  return heights[Math.floor(heights.length / 2)] ?? 1;
}

/** An ink map averaged down by `factor` (> 1) in each direction. */
export function shrinkInk(ink: Float32Array, width: number, height: number, factor: number): { ink: Float32Array; width: number; height: number } {
  const w = Math.max(1, Math.floor(width / factor));
  const h = Math.max(1, Math.floor(height / factor));
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let [sum, count] = [0, 0];
      for (let yy = Math.floor(y * factor); yy < Math.min(height, Math.floor((y + 1) * factor)); yy++) {
        for (let xx = Math.floor(x * factor); xx < Math.min(width, Math.floor((x + 1) * factor)); xx++)
          [sum, count] = [sum + ink[yy * width + xx], count + 1];
      }
      out[y * w + x] = count ? sum / count : 0;
    }
  }
  return { ink: out, width: w, height: h };
}

/** A box of a map shrunk by `factor`, in the pixels of the original (width × height). */
function scaleBox(box: Box, factor: number, width: number, height: number): Box {
  const left = Math.floor(box.left * factor);
  const top = Math.floor(box.top * factor);
  return { left, top, width: Math.min(width - left, Math.ceil(box.width * factor)), height: Math.min(height - top, Math.ceil(box.height * factor)) };
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

/** Components that belong together (one digit's strokes, or touching digits), with the seams that over-cut them. */
interface Group {
  labels: Set<number>;
  box: Box;
  /** Candidate cuts, left to right; slice k lies right of seam k−1 and left of seam k. */
  seams: Seam[];
}

/** One slice of a group: the unit the search joins into digits. */
interface Slice {
  group: number;
  k: number;
  box: Box;
}

/**
 * Components merged where they overlap horizontally, left to right, specks dropped. More marks than `most` is
 * not a number (NotANumber), said before any work that grows with their count.
 */
function groupsOf(boxes: Box[], most: number): { labels: Set<number>; box: Box }[] {
  const tallest = boxes.reduce((t, b) => Math.max(t, b.height), 0);
  const kept = boxes.map((box, i) => ({ box, label: i + 1 })).filter(({ box }) => Math.max(box.width, box.height) >= SPECK * tallest);
  if (kept.length > most) throw new NotANumber(`more than ${most} separate marks: this does not look like a number`);
  kept.sort((a, b) => a.box.left - b.box.left);
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
  return groups.sort((a, b) => a.box.left - b.box.left);
}

/** The segmenter's view of one ink map: which group and slice each pixel belongs to. */
class Slicing {
  readonly slices: Slice[] = [];
  private readonly groupOf = new Map<number, number>();

  constructor(
    readonly ink: Float32Array,
    readonly width: number,
    readonly labels: Int32Array,
    readonly groups: Group[],
  ) {
    groups.forEach((g, i) => g.labels.forEach((l) => this.groupOf.set(l, i)));
    groups.forEach((g, i) => {
      const boxes: (Box | null)[] = Array.from({ length: g.seams.length + 1 }, () => null);
      this.scan(g.box, (p, x, y) => {
        const owner = this.owner(p, x, y);
        if (!owner || owner.group !== i) return;
        const box = { left: x, top: y, width: 1, height: 1 };
        boxes[owner.k] = boxes[owner.k] ? unionBox(boxes[owner.k]!, box) : box;
      });
      boxes.forEach((box, k) => box && this.slices.push({ group: i, k, box }));
    });
  }

  private scan(box: Box, visit: (p: number, x: number, y: number) => void): void {
    for (let y = box.top; y < box.top + box.height; y++) for (let x = box.left; x < box.left + box.width; x++) visit(y * this.width + x, x, y);
  }

  /** The group and slice pixel p (at x, y) belongs to; faint edges belong to the component they border. */
  owner(p: number, x: number, y: number): { group: number; k: number } | null {
    let label = this.labels[p];
    if (!label) {
      if (this.ink[p] <= 0) return null;
      label = this.nearestLabel(x, y);
      if (!label) return null;
    }
    const group = this.groupOf.get(label);
    if (group === undefined) return null;
    const g = this.groups[group];
    let k = 0;
    while (k < g.seams.length && x >= g.seams[k][y - g.box.top]) k++;
    return { group, k };
  }

  private nearestLabel(x: number, y: number): number {
    const height = this.labels.length / this.width;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx >= 0 && yy >= 0 && xx < this.width && yy < height && this.labels[yy * this.width + xx]) return this.labels[yy * this.width + xx];
      }
    }
    return 0;
  }

  /** Slices i…j−1 as one piece: its box and its MNIST field, or null when they hold no ink. */
  field(i: number, j: number): { box: Box; field: Float32Array } | null {
    const chosen = new Set(this.slices.slice(i, j).map((s) => s.group * 1024 + s.k));
    const box = this.slices.slice(i + 1, j).reduce((b, s) => unionBox(b, s.box), this.slices[i].box);
    const crop = new Float32Array(box.width * box.height);
    let any = false;
    const tight = { l: Infinity, r: -1, t: Infinity, b: -1 };
    this.scan(box, (p, x, y) => {
      const owner = this.owner(p, x, y);
      if (!owner || !chosen.has(owner.group * 1024 + owner.k)) return;
      const v = this.ink[p];
      crop[(y - box.top) * box.width + x - box.left] = v;
      if (v >= 0.1) {
        any = true;
        [tight.l, tight.r, tight.t, tight.b] = [Math.min(tight.l, x), Math.max(tight.r, x), Math.min(tight.t, y), Math.max(tight.b, y)];
      }
    });
    if (!any) return null;
    const inner = { left: tight.l - box.left, top: tight.t - box.top, width: tight.r - tight.l + 1, height: tight.b - tight.t + 1 };
    return { box, field: fieldOfInk(crop, box.width, inner) };
  }
}

export interface SegmentOptions {
  /** Read no more pieces than this (the rest is an error for the caller). */
  maxDigits?: number;
  /**
   * The reading model that scores candidate digits (11 probabilities: "not one digit" last). Without it,
   * `classify` scores them, by its confidence alone. With it, each digit chosen is named by both.
   */
  judge?: Classify;
}

/** How sure a judge is that a piece is one digit: the most probable digit's probability (not renormalised). */
const oneDigit = (p: readonly number[]) => p.slice(0, NUM_CLASSES).reduce((a, b) => Math.max(a, b), 0);

/** Ten probabilities that sum to 1: a reading model's "not one digit" left out. */
export function digitProbabilities(p: readonly number[]): number[] {
  const digits = p.slice(0, NUM_CLASSES);
  const sum = digits.reduce((a, b) => a + b, 0) || 1;
  return digits.map((v) => v / sum);
}

const argmax = (values: readonly number[]) => values.indexOf(Math.max(...values));

/**
 * Cut an ink map into digits, left to right, and read each with `classify`. Returns an empty list when
 * there is no ink; throws NotANumber when there are more marks than a number holds.
 */
export async function segmentInk(
  ink: Float32Array,
  width: number,
  height: number,
  classify: Classify,
  options: SegmentOptions = {},
): Promise<DigitPiece[]> {
  const maxDigits = options.maxDigits ?? MAX_DIGITS;
  const found = components(ink, width, height);
  if (found.boxes.length === 0) return [];
  const merged = groupsOf(found.boxes, MARKS_PER_DIGIT * maxDigits);
  // Digits far taller than the model's 28 pixels are read at a smaller scale: the work per candidate stays bounded.
  const shrink = typicalHeight(merged) / READ_HEIGHT;
  if (shrink > 1.25) {
    const small = shrinkInk(ink, width, height, shrink);
    const pieces = await segmentInk(small.ink, small.width, small.height, classify, options);
    return pieces.map((p) => ({ ...p, box: scaleBox(p.box, shrink, width, height) }));
  }
  const { labels } = found;
  if (merged.length > maxDigits) throw new NotANumber(`more than ${maxDigits} separate marks: this does not look like a number`);
  const typical = typicalHeight(merged);
  const groups: Group[] = merged.map((g) => ({
    ...g,
    seams: g.box.width > MAYBE_TWO * typical ? findSeams(ink, width, g.box, typical, (p) => g.labels.has(labels[p])) : [],
  }));
  const slicing = new Slicing(ink, width, labels, groups);
  const { slices } = slicing;

  // Every candidate digit: a run of consecutive slices, near enough and narrow enough to be one.
  const candidates: { i: number; j: number; box: Box; field: Float32Array }[] = [];
  for (let i = 0; i < slices.length; i++) {
    for (let j = i + 1; j <= Math.min(slices.length, i + MOST_SLICES); j++) {
      if (j > i + 1) {
        const gap = slices[j - 1].box.left - (slices[j - 2].box.left + slices[j - 2].box.width);
        const span = slices.slice(i, j).reduce((right, s) => Math.max(right, s.box.left + s.box.width), 0) - slices[i].box.left;
        if (gap > FARTHEST * typical || span > WIDEST * typical) break;
      }
      const piece = slicing.field(i, j);
      if (piece) candidates.push({ i, j, ...piece });
    }
  }
  const judge = options.judge ?? classify;
  const scores = await judge(candidates.map((c) => c.field));

  // best[j]: the best reading of slices 0…j−1, as a score and the candidate that ends it.
  const best = new Float64Array(slices.length + 1).fill(-Infinity);
  const via = new Int32Array(slices.length + 1).fill(-1);
  best[0] = 0;
  // Candidates come in order of their first slice; taken in order of their last, each extends a finished best.
  const byEnd = candidates.map((_, n) => n).sort((a, b) => candidates[a].j - candidates[b].j);
  for (const n of byEnd) {
    const c = candidates[n];
    if (best[c.i] === -Infinity) continue;
    const fragment = c.box.height < LOWEST * typical ? FRAGMENT : 0;
    // Starting inside a group means cutting connected ink apart: only worth it when the whole reads far worse.
    const cut = c.i > 0 && slices[c.i - 1].group === slices[c.i].group ? cutCost(groups[slices[c.i].group].box.width / typical) : 0;
    const score = best[c.i] + Math.log(Math.max(1e-9, oneDigit(scores[n]))) - fragment - cut;
    if (score > best[c.j]) [best[c.j], via[c.j]] = [score, n];
  }
  const picked: number[] = [];
  for (let j = slices.length; j > 0 && via[j] >= 0; j = candidates[via[j]].i) picked.unshift(via[j]);
  if (picked.length > maxDigits) throw new NotANumber(`more than ${maxDigits} digits: this does not look like a number`);
  const chosen = picked.map((n) => candidates[n]);
  const judged = picked.map((n) => scores[n]);
  // With a reading model as judge, the digit model names each digit too: their digit probabilities averaged, as two
  // models trained apart err apart (bench-read's gaps set: 95.0% exact against 91.7% named by the digit model alone).
  const named = options.judge
    ? (await classify(chosen.map((c) => c.field))).map((row, k) => {
        const reader = digitProbabilities(judged[k]);
        return row.map((p, d) => (p + reader[d]) / 2);
      })
    : judged;
  return chosen.map((c, k) => {
    const probabilities = digitProbabilities(named[k]);
    return { box: c.box, field: c.field, probabilities, label: argmax(probabilities) };
  });
}

/** An image's ink map, averaged down to at most WORKING_SIDE, with the factor that maps back to its pixels. */
export function workingInk(image: RawImage): { ink: Float32Array; width: number; height: number; scale: number } | null {
  const ink = paperInk(image);
  if (!ink) return null;
  const scale = Math.max(1, Math.max(image.width, image.height) / WORKING_SIDE);
  if (scale === 1) return { ink, width: image.width, height: image.height, scale };
  return { ...shrinkInk(ink, image.width, image.height, scale), scale };
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

/** Strokes are painted at most this large (their ink's longer side, pixels); larger drawings are scaled down. */
const STROKES_SIDE = 800;
/** The most pixels painting a drawing's strokes may visit (each segment's box, summed). */
const PAINT_BUDGET = 20_000_000;

/**
 * Read a number from a drawing's strokes on a canvas of the given size. Only the strokes' own box is painted,
 * scaled to at most STROKES_SIDE, so the work does not grow with the canvas or the pen; boxes come back in the
 * canvas's pixels.
 */
export async function segmentStrokes(
  strokes: readonly Stroke[],
  canvas: { width: number; height: number },
  classify: Classify,
  options?: SegmentOptions,
): Promise<DigitPiece[]> {
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const { width: pen, points } of strokes) {
    for (const [x, y] of points)
      [left, top, right, bottom] = [
        Math.min(left, x - pen / 2),
        Math.min(top, y - pen / 2),
        Math.max(right, x + pen / 2),
        Math.max(bottom, y + pen / 2),
      ];
  }
  // Only what lies on the canvas counts, as on the pad.
  [left, top, right, bottom] = [
    Math.max(0, Math.floor(left)),
    Math.max(0, Math.floor(top)),
    Math.min(canvas.width, Math.ceil(right)),
    Math.min(canvas.height, Math.ceil(bottom)),
  ];
  if (right <= left || bottom <= top) return [];
  // Painting a segment visits its box: a scribble of long diagonal strokes is painted at a scale that keeps the
  // pixels visited within PAINT_BUDGET.
  let visited = 0;
  for (const { width: pen, points } of strokes) {
    for (let k = 1; k < points.length; k++)
      visited += (Math.abs(points[k][0] - points[k - 1][0]) + pen + 2) * (Math.abs(points[k][1] - points[k - 1][1]) + pen + 2);
  }
  const scale = Math.min(1, STROKES_SIDE / Math.max(right - left, bottom - top), Math.sqrt(PAINT_BUDGET / Math.max(1, visited)));
  const width = Math.max(1, Math.ceil((right - left) * scale));
  const height = Math.max(1, Math.ceil((bottom - top) * scale));
  const moved = strokes.map((s) => ({
    width: s.width * scale,
    points: s.points.map(([x, y]) => [(x - left) * scale, (y - top) * scale] as [number, number]),
  }));
  const pieces = await segmentInk(strokeInk(moved, { width, height }), width, height, classify, options);
  return pieces.map((p) => ({
    ...p,
    box: {
      left: left + Math.floor(p.box.left / scale),
      top: top + Math.floor(p.box.top / scale),
      width: Math.ceil(p.box.width / scale),
      height: Math.ceil(p.box.height / scale),
    },
  }));
}
