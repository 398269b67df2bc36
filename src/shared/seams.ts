// Candidate cuts through a piece of ink that may hold several touching digits: seams, paths from the top of the
// piece to its bottom that cross as little ink as they can, moving at most one column a row, so that they may
// run slanted between two digits that lean on each other (a drop-fall path found by dynamic programming
// instead of by a falling rule). Many candidates are offered; the reader's search chooses among them.
// Pure: no Node, no DOM.
import type { Box } from './preprocess.ts';

/** A cut: for each row of the piece's box, the first column (image x) to the right of the cut. */
export type Seam = Int32Array;

/** The most seams one piece is offered (the search scores every group of the slices between them). */
export const MAX_SEAMS = 8;
/** A seam starts no nearer the piece's edges than this share of its width. */
const EDGE = 0.12;
/** A seam may stray from its starting column by this share of the number's typical height. */
const STRAY = 0.5;
/** Each column a seam strays from its start costs this much (in units of full ink crossed). */
const STRAY_COST = 0.02;
/** Seams whose mean columns are closer than this many pixels are one seam. */
const SAME_SEAM = 2;

/**
 * Seams through `box` of the ink map (`mine(x, y)` says whether the pixel belongs to the piece), started at the
 * minima of the piece's vertical projection and at even steps across it, at most MAX_SEAMS, left to right and
 * never crossing each other.
 */
export function findSeams(ink: Float32Array, width: number, box: Box, typical: number, mine: (p: number) => boolean): Seam[] {
  const { left, top, width: w, height: h } = box;
  const cost = new Float32Array(w * h);
  const projection = new Float32Array(w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (top + y) * width + left + x;
      const v = mine(p) ? ink[p] : 0;
      cost[y * w + x] = v;
      projection[x] += v;
    }
  }
  const from = Math.max(1, Math.floor(w * EDGE));
  const to = Math.min(w - 1, Math.ceil(w * (1 - EDGE)));
  if (to <= from) return [];
  // Starts: local minima of the projection (thin junctions), best first, then even steps.
  const minima: number[] = [];
  for (let x = from; x < to; x++) {
    let minimum = true;
    for (let d = -2; d <= 2 && minimum; d++) if (d && x + d >= 0 && x + d < w && projection[x + d] < projection[x]) minimum = false;
    if (minimum && (minima.length === 0 || x - minima[minima.length - 1] > SAME_SEAM)) minima.push(x);
  }
  minima.sort((a, b) => projection[a] - projection[b]);
  const step = Math.max(SAME_SEAM + 1, Math.round(typical / 4));
  const starts = [...minima.slice(0, MAX_SEAMS)];
  for (let x = from + Math.floor(step / 2); x < to && starts.length < 2 * MAX_SEAMS; x += step) starts.push(x);
  const band = Math.max(2, Math.round(typical * STRAY));
  const seams: { seam: Seam; mean: number }[] = [];
  for (const start of starts) {
    if (seams.length >= MAX_SEAMS) break;
    const seam = cheapestPath(cost, w, h, start, band);
    let mean = 0;
    for (let y = 0; y < h; y++) mean += seam[y] / h;
    if (seams.some((s) => Math.abs(s.mean - mean) < SAME_SEAM)) continue;
    seams.push({ seam, mean });
  }
  seams.sort((a, b) => a.mean - b.mean);
  // Never crossing: a seam to the right of another stays at or right of it on every row.
  for (let k = 1; k < seams.length; k++) {
    const [prev, cur] = [seams[k - 1].seam, seams[k].seam];
    for (let y = 0; y < h; y++) if (cur[y] < prev[y]) cur[y] = prev[y];
  }
  return seams.map(({ seam }) => seam.map((x) => x + left));
}

/** The cheapest top-to-bottom path through `cost` (w × h) that starts near `start` and stays within `band` of it. */
function cheapestPath(cost: Float32Array, w: number, h: number, start: number, band: number): Seam {
  const lo = Math.max(1, start - band);
  const hi = Math.min(w - 1, start + band);
  const span = hi - lo + 1;
  const total = new Float32Array(h * span);
  const step = new Int8Array(h * span);
  for (let y = 0; y < h; y++) {
    for (let i = 0; i < span; i++) {
      const x = lo + i;
      const here = cost[y * w + x] + STRAY_COST * Math.abs(x - start);
      if (y === 0) {
        total[i] = here;
        continue;
      }
      let best = total[(y - 1) * span + i];
      let move = 0;
      if (i > 0 && total[(y - 1) * span + i - 1] < best) [best, move] = [total[(y - 1) * span + i - 1], -1];
      if (i < span - 1 && total[(y - 1) * span + i + 1] < best) [best, move] = [total[(y - 1) * span + i + 1], 1];
      total[y * span + i] = best + here;
      step[y * span + i] = move;
    }
  }
  let at = 0;
  for (let i = 1; i < span; i++) if (total[(h - 1) * span + i] < total[(h - 1) * span + at]) at = i;
  const seam = new Int32Array(h);
  for (let y = h - 1; y >= 0; y--) {
    seam[y] = lo + at;
    at += step[y * span + at];
  }
  return seam;
}
