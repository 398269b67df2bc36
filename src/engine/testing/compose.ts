// Test fixture: written numbers composed from MNIST digits, for the segmenter's tests and the reading
// benchmark. Each digit is scaled up, its empty columns dropped, and set on a line with a gap (or slid
// into its left neighbour until their ink touches), with a drifting baseline; then painted on paper:
// white, or off-white with shading across the page and coloured ink.
import { IMAGE_SIZE, PIXELS, type Split } from '../data/dataset.ts';
import type { RawImage } from '../../shared/preprocess.ts';
import { rng as seeded } from '../data/rng.ts';

export interface ComposeOptions {
  /** Digit height in pixels (the 28×28 field scaled to it). */
  size?: number;
  /** Gap between neighbours, pixels. */
  gap?: number;
  /** Slide digit `touch` (1-based: the pair touch−1, touch) into its left neighbour until their inks meet. */
  touch?: number;
  /** Vertical drift of each digit, pixels (seeded). */
  drift?: number;
  /** Erase a band of rows across digit `broken` (index), a third of the way down its ink: a 5's flag comes apart. */
  broken?: number;
  /** Small dots of ink scattered over the page. */
  specks?: number;
  /** Paper look: off-white paper shaded from one side and coloured ink. */
  paper?: { paper: [number, number, number]; ink: [number, number, number]; shading: number; noise: number };
  /** Light ink on dark paper. */
  inverted?: boolean;
  /** Shear each row by this many pixels per pixel of height (a slant). */
  slant?: number;
  /** Each digit's width times this: 0.55–0.7 for narrow writing, above 1 for wide. */
  condense?: number;
  /** Uneven light over the paper: bands of light and shadow across it (depth 0–1) and a darker rim (0–1). */
  light?: { bands: number; vignette: number; period: number; angle: number };
  seed?: number;
}

export interface Composed {
  image: RawImage;
  /** Each digit's ink box [x, y, width, height], left to right. */
  boxes: [number, number, number, number][];
  number: string;
}

/** Sample `index` of `split` scaled to `size` high and `condense` × `size` wide (bilinear, 0–1), with its empty columns cut away. */
function scaledDigit(split: Split, index: number, size: number, condense = 1): { ink: Float32Array; width: number } {
  const pixels = split.pixels.subarray(index * PIXELS, (index + 1) * PIXELS);
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= IMAGE_SIZE || y >= IMAGE_SIZE ? 0 : pixels[y * IMAGE_SIZE + x] / 255);
  const across = Math.ceil(size * Math.max(1, condense));
  const full = new Float32Array(across * size);
  const s = IMAGE_SIZE / size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < across; x++) {
      const sx = ((x + 0.5 - across / 2) / condense + size / 2) * s - 0.5;
      const sy = (y + 0.5) * s - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      full[y * across + x] = (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
    }
  }
  let [left, right] = [across, -1];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < across; x++) {
      if (full[y * across + x] < 0.1) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
    }
  }
  const width = right - left + 1;
  const ink = new Float32Array(width * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < width; x++) ink[y * width + x] = full[y * across + left + x];
  return { ink, width };
}

/** Compose the number written by MNIST samples `indices` of `split`. */
export function composeNumber(split: Split, indices: readonly number[], options: ComposeOptions = {}): Composed {
  const { size = 56, gap = Math.round(size * 0.15), drift = Math.round(size * 0.08), specks = 0, seed = 1 } = options;
  const random = seeded(seed);
  const digits = indices.map((index) => scaledDigit(split, index, size, options.condense ?? 1));
  if (options.broken !== undefined) {
    const d = digits[options.broken];
    const rows = ink_rows(d.ink, d.width, size);
    const at = Math.round(rows[0] + (rows[1] - rows[0]) * 0.3);
    const band = Math.max(2, Math.round(size * 0.06));
    d.ink.fill(0, at * d.width, Math.min(size, at + band) * d.width);
  }
  const margin = Math.round(size * 0.4);
  const slantRoom = Math.ceil(Math.abs(options.slant ?? 0) * size);
  const tops = digits.map(() => margin + Math.round((random() * 2 - 1) * drift));
  const lefts: number[] = [];
  let x = margin + slantRoom;
  digits.forEach((d, k) => {
    if (k > 0 && options.touch === k) {
      // Slide left from the gap until the two inks share a strongly inked pixel.
      const prev = digits[k - 1];
      const prevLeft = lefts[k - 1];
      let at = prevLeft + prev.width;
      for (; at > prevLeft + prev.width * 0.4; at--) if (touches(prev, prevLeft, tops[k - 1], d, at, tops[k], size)) break;
      lefts.push(at - 1);
    } else {
      lefts.push(k === 0 ? x : lefts[k - 1] + digits[k - 1].width + gap);
    }
    x = lefts[k] + d.width;
  });
  const width = x + margin + slantRoom;
  const height = size + 2 * margin;
  const ink = new Float32Array(width * height);
  const boxes: [number, number, number, number][] = [];
  digits.forEach((d, k) => {
    let [l, r, t, b] = [width, -1, height, -1];
    for (let y = 0; y < size; y++) {
      for (let xx = 0; xx < d.width; xx++) {
        const v = d.ink[y * d.width + xx];
        if (v <= 0) continue;
        const py = tops[k] + y;
        const px = lefts[k] + xx + Math.round((options.slant ?? 0) * (size / 2 - y));
        if (px < 0 || px >= width || py < 0 || py >= height) continue;
        ink[py * width + px] = Math.max(ink[py * width + px], v);
        if (v >= 0.35) [l, r, t, b] = [Math.min(l, px), Math.max(r, px), Math.min(t, py), Math.max(b, py)];
      }
    }
    boxes.push([l, t, r - l + 1, b - t + 1]);
  });
  for (let s = 0; s < specks; s++) {
    const cx = margin / 2 + random() * (width - margin);
    const cy = random() < 0.5 ? margin * 0.4 : height - margin * 0.4;
    const radius = 0.8 + random() * size * 0.03;
    for (let y = Math.floor(cy - radius - 1); y <= cy + radius + 1; y++)
      for (let xx = Math.floor(cx - radius - 1); xx <= cx + radius + 1; xx++)
        if (xx >= 0 && y >= 0 && xx < width && y < height && Math.hypot(xx + 0.5 - cx, y + 0.5 - cy) <= radius) ink[y * width + xx] = 1;
  }
  return { image: paint(ink, width, height, options, random), boxes, number: indices.map((i) => split.labels[i]).join('') };
}

/** The first and last rows of a digit's ink. */
function ink_rows(ink: Float32Array, width: number, size: number): [number, number] {
  let [top, bottom] = [size, -1];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] < 0.35) continue;
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  return [top, bottom];
}

type Placed = { ink: Float32Array; width: number };

/** Whether `b` at (bl, bt) shares a strongly inked pixel with `a` at (al, at). */
function touches(a: Placed, al: number, at: number, b: Placed, bl: number, bt: number, size: number): boolean {
  for (let y = 0; y < size; y++) {
    const ay = y + bt - at;
    if (ay < 0 || ay >= size) continue;
    for (let x = 0; x < b.width; x++) {
      const ax = x + bl - al;
      if (ax < 0 || ax >= a.width) continue;
      if (b.ink[y * b.width + x] >= 0.5 && a.ink[ay * a.width + ax] >= 0.5) return true;
    }
  }
  return false;
}

/** The ink painted on paper: white paper and black ink, or the paper look, or the reverse. */
function paint(ink: Float32Array, width: number, height: number, options: ComposeOptions, random: () => number): RawImage {
  const data = new Uint8Array(width * height * 3);
  const look = options.paper ?? { paper: [255, 255, 255] as const, ink: [0, 0, 0] as const, shading: 0, noise: 0 };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      // Light falls from the left: the paper darkens towards the right by `shading`.
      let light = 1 - look.shading * (x / width);
      if (options.light) light *= unevenLight(options.light, x / width, y / height, width / height);
      for (let c = 0; c < 3; c++) {
        const paperValue = look.paper[c] * light + (random() * 2 - 1) * look.noise;
        const inkValue = look.ink[c] * light;
        let v = paperValue + ink[i] * (inkValue - paperValue);
        if (options.inverted) v = 255 - v;
        data[i * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return { width, height, channels: 3, data };
}

/** How much light reaches (u, v) (0–1 across and down the page): soft bands of shadow at an angle, and a darker rim. */
function unevenLight(light: NonNullable<ComposeOptions['light']>, u: number, v: number, aspect: number): number {
  const along = (u * aspect * Math.cos(light.angle) + v * Math.sin(light.angle)) / light.period;
  const band = 1 - light.bands * (0.5 + 0.5 * Math.sin(2 * Math.PI * along));
  const rim = Math.hypot((u - 0.5) * 2, (v - 0.5) * 2) / Math.SQRT2;
  return band * (1 - light.vignette * rim * rim);
}
