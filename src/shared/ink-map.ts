// The ink of a number before it is cut into digits: a scan's or photo's pixels measured against the paper around
// them (so shading across a page does not read as ink, and either polarity works), or a drawing's strokes
// painted as round pens. Pure: no Node, no DOM.
import type { Stroke } from './digits.ts';
import type { RawImage } from './preprocess.ts';

/** Images are read at most this large (longer side); larger ones are averaged down first. */
export const WORKING_SIDE = 1200;
/** The least contrast (0–1 luminance) between ink and paper that counts as ink. */
const LEAST_CONTRAST = 0.12;

/** Luminance 0–1 per pixel. */
function luminance(image: RawImage): Float32Array {
  const { width, height, channels, data } = image;
  const lum = new Float32Array(width * height);
  for (let i = 0; i < lum.length; i++) {
    const p = i * channels;
    lum[i] = (channels >= 3 ? 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2] : data[p]) / 255;
  }
  return lum;
}

/** The maximum (or minimum) over a (2r+1)-wide square window, as a pass along rows then one along columns, in O(n). */
function slidingExtreme(values: Float32Array, width: number, height: number, r: number, max: boolean): Float32Array {
  const beats = max ? (a: number, b: number) => a >= b : (a: number, b: number) => a <= b;
  const pass = (input: Float32Array, length: number, lines: number, at: (line: number, i: number) => number): Float32Array => {
    const out = new Float32Array(input.length);
    const deque = new Int32Array(length);
    for (let line = 0; line < lines; line++) {
      let head = 0;
      let tail = 0;
      for (let i = 0; i < length + r; i++) {
        if (i < length) {
          const v = input[at(line, i)];
          while (tail > head && beats(v, input[at(line, deque[tail - 1])])) tail--;
          deque[tail++] = i;
        }
        const centre = i - r;
        if (centre < 0) continue;
        while (deque[head] < centre - r) head++;
        out[at(line, centre)] = input[at(line, deque[head])];
      }
    }
    return out;
  };
  const rows = pass(values, width, height, (y, x) => y * width + x);
  return pass(rows, height, width, (x, y) => y * width + x);
}

/**
 * The paper's brightness under each pixel: a grey-scale closing (the window's maximum, then the minimum of
 * that) fills every dark mark narrower than the window with the paper around it and follows light and shadow
 * that change more slowly than that, without the halo a maximum alone leaves beside a bright band.
 */
function closing(values: Float32Array, width: number, height: number, r: number): Float32Array {
  return slidingExtreme(slidingExtreme(values, width, height, r, true), width, height, r, false);
}

/** Each pixel's darkness against its paper, relative to the paper's brightness (so dim light does not fade the ink). */
function relativeDepth(paper: Float32Array, background: Float32Array): Float32Array {
  const depth = new Float32Array(paper.length);
  for (let i = 0; i < paper.length; i++) depth[i] = Math.max(0, background[i] - paper[i]) / Math.max(0.08, background[i]);
  return depth;
}

/** The mean over a (2r+1)-wide square window, edges clamped, from a summed-area table. */
function boxMean(values: Float32Array, width: number, height: number, r: number): Float32Array {
  const sums = new Float64Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += values[y * width + x];
      sums[(y + 1) * (width + 1) + x + 1] = sums[y * (width + 1) + x + 1] + row;
    }
  }
  const out = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    const [y0, y1] = [Math.max(0, y - r), Math.min(height, y + r + 1)];
    for (let x = 0; x < width; x++) {
      const [x0, x1] = [Math.max(0, x - r), Math.min(width, x + r + 1)];
      const sum = sums[y1 * (width + 1) + x1] - sums[y0 * (width + 1) + x1] - sums[y1 * (width + 1) + x0] + sums[y0 * (width + 1) + x0];
      out[y * width + x] = sum / ((x1 - x0) * (y1 - y0));
    }
  }
  return out;
}

/**
 * Which way round the ink is. Ink is thin and in the minority, so once the slow changes of the light are taken
 * away (each pixel less the mean around it), its pixels are the long tail: the third moment's sign says which
 * side that tail is on. Shading, bands and a vignette change slowly and cancel out.
 */
function inkIsDark(lum: Float32Array, width: number, height: number): boolean {
  const local = boxMean(lum, width, height, Math.max(4, Math.round(Math.min(width, height) / 8)));
  let third = 0;
  for (let i = 0; i < lum.length; i++) third += (lum[i] - local[i]) ** 3;
  return third <= 0;
}

/**
 * Ink strength 0–1 of a photo, scan or drawing, either polarity, measured against the paper's local
 * brightness (a closing wider than any stroke) and relative to it, so that bands of light and shadow, a
 * vignette and shading across the page are not ink. Null when the image is one flat colour.
 */
export function paperInk(image: RawImage): Float32Array | null {
  const { width, height, channels, data } = image;
  const n = width * height;
  if (channels === 2 || channels === 4) {
    let transparent = 0;
    for (let i = 0; i < n; i++) if (data[i * channels + channels - 1] < 128) transparent++;
    // A drawing on a transparent canvas: the ink is wherever something was painted.
    if (transparent > n / 4) return Float32Array.from({ length: n }, (_, i) => data[i * channels + channels - 1] / 255);
  }
  const lum = luminance(image);
  let [lo, hi] = [1, 0];
  for (const v of lum) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (hi - lo < LEAST_CONTRAST) return null;
  const darkInk = inkIsDark(lum, width, height);
  const paper = darkInk ? lum : lum.map((v) => 1 - v);
  // Wider than any stroke, narrower than the changes of the light.
  const radius = Math.max(4, Math.round(Math.min(width, height) / 12));
  const depth = relativeDepth(paper, closing(paper, width, height, radius));
  const strong: number[] = [];
  for (let i = 0; i < n; i++) if (depth[i] > LEAST_CONTRAST) strong.push(depth[i]);
  const ink = new Float32Array(n);
  if (strong.length === 0) return ink;
  strong.sort((a, b) => a - b);
  // The ink's own contrast: most of the pixels clearly darker than their paper reach it.
  const contrast = strong[Math.floor(strong.length * 0.9)];
  const from = Math.max(LEAST_CONTRAST * 0.6, contrast * 0.3);
  const to = Math.max(from + 0.01, contrast * 0.75);
  for (let i = 0; i < n; i++) ink[i] = Math.min(1, Math.max(0, (depth[i] - from) / (to - from)));
  return ink;
}

/** An ink map the size of `canvas` with the strokes painted as round pens (anti-aliased edge). */
export function strokeInk(strokes: readonly Stroke[], canvas: { width: number; height: number }): Float32Array {
  const ink = new Float32Array(canvas.width * canvas.height);
  for (const { width: pen, points } of strokes) {
    for (let k = 0; k < points.length; k++) {
      const [ax, ay] = points[k];
      const [bx, by] = points[Math.min(k + 1, points.length - 1)];
      paintSegment(ink, canvas.width, ax, ay, bx, by, pen / 2);
    }
  }
  return ink;
}

/** Paint one round-capped segment of `radius` into an ink field `width` wide (max-combined, anti-aliased edge). */
export function paintSegment(ink: Float32Array, width: number, ax: number, ay: number, bx: number, by: number, radius: number): void {
  const height = ink.length / width;
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - radius - 1));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + radius + 1));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by) - radius - 1));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(ay, by) + radius + 1));
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy || 1;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const t = Math.max(0, Math.min(1, ((x + 0.5 - ax) * dx + (y + 0.5 - ay) * dy) / len2));
      const d = Math.hypot(x + 0.5 - ax - t * dx, y + 0.5 - ay - t * dy);
      const v = Math.min(1, Math.max(0, radius + 0.5 - d));
      if (v > ink[y * width + x]) ink[y * width + x] = v;
    }
  }
}
