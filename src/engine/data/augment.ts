// Augmentation on the fly: each training sample gets its own random shift, rotation, scale, shear, stroke
// thickness and elastic distortion, drawn from (run seed, epoch, sample index) so that any thread that
// augments a sample gets the same result. Affine and elastic are composed into one inverse map, sampled
// once with bilinear interpolation; thickness is a grayscale dilate or erode with a fractional amount.
//
// Cost: a sample is one pass of 784 bilinear reads, plus at most three 3×3 min/max passes for thickness.
// Elastic fields are not made per sample: a bank of smooth fields is made once per run from its seed, and
// each sample takes one of them, mirrored and scaled. Scratch buffers are made once per augmenter.
import type { AugmentSpec } from '../../shared/augment.ts';
import { IMAGE_SIZE, PIXELS } from '../../shared/mnist.ts';

/** The smoothing of an elastic field, in pixels (Simard et al. 2003 use σ = 4 for MNIST). */
export const ELASTIC_SIGMA = 4;
/** How many smooth fields a run's bank holds; with 4 mirrorings and 4 sign flips, 512 distinct shapes. */
export const ELASTIC_BANK_SIZE = 32;

const N = IMAGE_SIZE;
const CENTRE = (N - 1) / 2;
const DEG = Math.PI / 180;

/** One sample's draw. */
export interface AugmentParams {
  /** Pixels right and down. */
  shiftX: number;
  shiftY: number;
  /** Radians, counter-clockwise on screen. */
  rotation: number;
  scale: number;
  /** Radians of horizontal shear. */
  shear: number;
  /** Pixels; > 0 thickens (dilate), < 0 thins (erode). */
  thickness: number;
  /** Which field of the bank, its mirroring (0–3), its sign flips (0–3) and its largest displacement in pixels. */
  field: number;
  mirror: number;
  signs: number;
  elastic: number;
}

/** A 32-bit hash of (seed, epoch, index): each sample's own random stream, whichever thread draws it. */
export function sampleSeed(seed: number, epoch: number, index: number): number {
  let h = (seed ^ Math.imul(epoch + 1, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** mulberry32 over a state the caller keeps, so that drawing allocates nothing. */
function next(state: Uint32Array): number {
  state[0] = (state[0] + 0x6d2b79f5) >>> 0;
  let t = state[0];
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** A smooth random displacement field per bank entry: dx then dy, each 784 values, largest length 1. */
export function elasticBank(seed: number, size = ELASTIC_BANK_SIZE): Float32Array {
  const bank = new Float32Array(size * 2 * PIXELS);
  const state = Uint32Array.of(sampleSeed(seed, -7, 0x5eed));
  const radius = Math.ceil(3 * ELASTIC_SIGMA);
  const kernel = Float32Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * ELASTIC_SIGMA ** 2)));
  const noise = new Float32Array(PIXELS);
  const rows = new Float32Array(PIXELS);
  for (let f = 0; f < size; f++) {
    for (let c = 0; c < 2; c++) {
      const out = bank.subarray((2 * f + c) * PIXELS, (2 * f + c + 1) * PIXELS);
      for (let p = 0; p < PIXELS; p++) noise[p] = next(state) * 2 - 1;
      // Separable Gaussian, edges clamped.
      for (let y = 0; y < N; y++)
        for (let x = 0; x < N; x++) {
          let sum = 0;
          for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] * noise[y * N + Math.min(N - 1, Math.max(0, x + k))];
          rows[y * N + x] = sum;
        }
      for (let y = 0; y < N; y++)
        for (let x = 0; x < N; x++) {
          let sum = 0;
          for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] * rows[Math.min(N - 1, Math.max(0, y + k)) * N + x];
          out[y * N + x] = sum;
        }
    }
    const dx = bank.subarray(2 * f * PIXELS, (2 * f + 1) * PIXELS);
    const dy = bank.subarray((2 * f + 1) * PIXELS, (2 * f + 2) * PIXELS);
    let largest = 1e-12;
    for (let p = 0; p < PIXELS; p++) largest = Math.max(largest, Math.hypot(dx[p], dy[p]));
    for (let p = 0; p < PIXELS; p++) {
      dx[p] /= largest;
      dy[p] /= largest;
    }
  }
  return bank;
}

/** Augments samples for one run; every sample's result depends only on (spec, seed, epoch, index). */
export class Augmenter {
  private readonly bank: Float32Array;
  private readonly state = new Uint32Array(1);
  private readonly a = new Float32Array(PIXELS);
  private readonly b = new Float32Array(PIXELS);
  private readonly c = new Float32Array(PIXELS);
  readonly params: AugmentParams = { shiftX: 0, shiftY: 0, rotation: 0, scale: 1, shear: 0, thickness: 0, field: 0, mirror: 0, signs: 0, elastic: 0 };

  constructor(
    readonly spec: AugmentSpec,
    readonly seed: number,
  ) {
    this.bank = spec.elastic > 0 ? elasticBank(seed) : new Float32Array(0);
  }

  /** Draw sample `index`'s parameters of epoch `epoch` into `this.params` (reused: copy it to keep it). */
  draw(epoch: number, index: number): AugmentParams {
    const { spec, params: p, state } = this;
    state[0] = sampleSeed(this.seed, epoch, index);
    const uniform = (range: number) => (next(state) * 2 - 1) * range;
    p.shiftX = uniform(spec.shift);
    p.shiftY = uniform(spec.shift);
    p.rotation = uniform(spec.rotation) * DEG;
    p.scale = 1 + uniform(spec.scale);
    p.shear = uniform(spec.shear) * DEG;
    p.thickness = uniform(spec.thickness);
    p.field = Math.floor(next(state) * ELASTIC_BANK_SIZE);
    p.mirror = Math.floor(next(state) * 4);
    p.signs = Math.floor(next(state) * 4);
    p.elastic = next(state) * spec.elastic;
    return p;
  }

  /** Augment one 28×28 byte image into `out[offset..offset+784)` as values in [0, 1]. */
  augment(src: Uint8Array, epoch: number, index: number, out: Float32Array, offset = 0): void {
    this.apply(this.draw(epoch, index), src, out, offset);
  }

  /** Apply `p` to `src` (bytes) into `out` at `offset` (values in [0, 1]). */
  apply(p: AugmentParams, src: Uint8Array, out: Float32Array, offset = 0): void {
    // Forward map: q = c + R(θ)·H(φ)·S(s)·(p − c) + t, with H a horizontal shear. Sampling needs its inverse.
    const cos = Math.cos(p.rotation);
    const sin = Math.sin(p.rotation);
    const tan = Math.tan(p.shear);
    // M = R·H·S = [[cos, cos·tan − sin], [sin, sin·tan + cos]]·s; det M = s².
    const m00 = cos * p.scale;
    const m01 = (cos * tan - sin) * p.scale;
    const m10 = sin * p.scale;
    const m11 = (sin * tan + cos) * p.scale;
    const det = m00 * m11 - m01 * m10;
    const i00 = m11 / det;
    const i01 = -m01 / det;
    const i10 = -m10 / det;
    const i11 = m00 / det;
    const elastic = p.elastic > 0 && this.bank.length > 0;
    const dxField = elastic ? this.bank.subarray(2 * p.field * PIXELS, (2 * p.field + 1) * PIXELS) : null;
    const dyField = elastic ? this.bank.subarray((2 * p.field + 1) * PIXELS, (2 * p.field + 2) * PIXELS) : null;
    const ax = p.signs & 1 ? -p.elastic : p.elastic;
    const ay = p.signs & 2 ? -p.elastic : p.elastic;
    const target = p.thickness === 0 ? out : this.a;
    const base = p.thickness === 0 ? offset : 0;
    for (let y = 0; y < N; y++) {
      for (let x = 0; x < N; x++) {
        let qx = x - CENTRE - p.shiftX;
        let qy = y - CENTRE - p.shiftY;
        if (dxField && dyField) {
          const fx = p.mirror & 1 ? N - 1 - x : x;
          const fy = p.mirror & 2 ? N - 1 - y : y;
          qx += ax * dxField[fy * N + fx];
          qy += ay * dyField[fy * N + fx];
        }
        const sx = i00 * qx + i01 * qy + CENTRE;
        const sy = i10 * qx + i11 * qy + CENTRE;
        target[base + y * N + x] = bilinear(src, sx, sy);
      }
    }
    if (p.thickness !== 0) this.thicken(p.thickness, out, offset);
  }

  /** Grow (> 0) or thin (< 0) strokes by |amount| pixels: whole 3×3 max/min passes, then a blend for the fraction. */
  private thicken(amount: number, out: Float32Array, offset: number): void {
    let current = this.a;
    let spare = this.b;
    const grow = amount > 0;
    let left = Math.abs(amount);
    while (left > 0) {
      const weight = Math.min(1, left);
      if (grow) dilate(current, spare, this.c);
      else erode(current, spare, this.c);
      if (weight < 1) for (let p = 0; p < PIXELS; p++) spare[p] = current[p] + weight * (spare[p] - current[p]);
      const swap = current;
      current = spare;
      spare = swap;
      left -= weight;
    }
    out.set(current, offset);
  }
}

/** `src` (bytes) at (x, y) by bilinear interpolation, 0 outside, as a value in [0, 1]. */
function bilinear(src: Uint8Array, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  if (x0 < -1 || y0 < -1 || x0 >= N || y0 >= N) return 0;
  const fx = x - x0;
  const fy = y - y0;
  const inX0 = x0 >= 0;
  const inX1 = x0 + 1 < N;
  const row0 = y0 >= 0 ? y0 * N : -1;
  const row1 = y0 + 1 < N ? (y0 + 1) * N : -1;
  const a = row0 >= 0 && inX0 ? src[row0 + x0] : 0;
  const b = row0 >= 0 && inX1 ? src[row0 + x0 + 1] : 0;
  const c = row1 >= 0 && inX0 ? src[row1 + x0] : 0;
  const d = row1 >= 0 && inX1 ? src[row1 + x0 + 1] : 0;
  const top = a + fx * (b - a);
  const v = (top + fy * (c + fx * (d - c) - top)) / 255;
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** 3×3 grayscale dilation (max) of `src` into `dst`, as a row pass into `tmp` and a column pass. */
function dilate(src: Float32Array, dst: Float32Array, tmp: Float32Array): void {
  for (let row = 0; row < PIXELS; row += N) {
    tmp[row] = Math.max(src[row], src[row + 1]);
    for (let x = 1; x < N - 1; x++) {
      const l = src[row + x - 1];
      const c = src[row + x];
      const r = src[row + x + 1];
      tmp[row + x] = l > c ? (l > r ? l : r) : c > r ? c : r;
    }
    tmp[row + N - 1] = Math.max(src[row + N - 2], src[row + N - 1]);
  }
  for (let x = 0; x < N; x++) {
    dst[x] = Math.max(tmp[x], tmp[N + x]);
    dst[PIXELS - N + x] = Math.max(tmp[PIXELS - 2 * N + x], tmp[PIXELS - N + x]);
  }
  for (let p = N; p < PIXELS - N; p++) {
    const u = tmp[p - N];
    const c = tmp[p];
    const d = tmp[p + N];
    dst[p] = u > c ? (u > d ? u : d) : c > d ? c : d;
  }
}

/** 3×3 grayscale erosion (min) of `src` into `dst`; outside the image counts as background, so the border thins too. */
function erode(src: Float32Array, dst: Float32Array, tmp: Float32Array): void {
  for (let row = 0; row < PIXELS; row += N) {
    tmp[row] = 0;
    for (let x = 1; x < N - 1; x++) {
      const l = src[row + x - 1];
      const c = src[row + x];
      const r = src[row + x + 1];
      tmp[row + x] = l < c ? (l < r ? l : r) : c < r ? c : r;
    }
    tmp[row + N - 1] = 0;
  }
  for (let x = 0; x < N; x++) {
    dst[x] = 0;
    dst[PIXELS - N + x] = 0;
  }
  for (let p = N; p < PIXELS - N; p++) {
    const u = tmp[p - N];
    const c = tmp[p];
    const d = tmp[p + N];
    dst[p] = u < c ? (u < d ? u : d) : c < d ? c : d;
  }
}
