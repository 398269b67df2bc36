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

/** The maximum over a (2r+1)-wide window along rows then columns (a square local maximum), in O(n). */
function localMax(values: Float32Array, width: number, height: number, r: number): Float32Array {
  const pass = (input: Float32Array, length: number, lines: number, at: (line: number, i: number) => number): Float32Array => {
    const out = new Float32Array(input.length);
    const deque = new Int32Array(length);
    for (let line = 0; line < lines; line++) {
      let head = 0;
      let tail = 0;
      for (let i = 0; i < length + r; i++) {
        if (i < length) {
          const v = input[at(line, i)];
          while (tail > head && input[at(line, deque[tail - 1])] <= v) tail--;
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
 * Ink strength 0–1 of a photo, scan or drawing, either polarity, with the paper's brightness measured
 * locally (its brightest value nearby), so that shading across the page is not ink. Null when the image
 * is one flat colour.
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
  const histogram = new Uint32Array(256);
  let mean = 0;
  let [lo, hi] = [1, 0];
  for (const v of lum) {
    histogram[Math.round(v * 255)]++;
    mean += v / n;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi - lo < LEAST_CONTRAST) return null;
  let median = 0;
  for (let seen = 0; median < 255 && seen + histogram[median] < n / 2; median++) seen += histogram[median];
  // Ink is the minority: dark ink pulls the mean below the median, light ink above it.
  const skew = median / 255 - mean;
  const darkInk = Math.abs(skew) > 0.003 ? skew > 0 : median >= 128;
  const paper = darkInk ? lum : lum.map((v) => 1 - v);
  // Wider than any stroke, narrower than the shading's changes.
  const radius = Math.max(4, Math.round(Math.min(width, height) / 12));
  const background = localMax(paper, width, height, radius);
  const depth = new Float32Array(n);
  const strong: number[] = [];
  for (let i = 0; i < n; i++) {
    depth[i] = background[i] - paper[i];
    if (depth[i] > LEAST_CONTRAST) strong.push(depth[i]);
  }
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
