// AssemblyScript: WebAssembly SIMD kernels for the wasm fallback (`npm run build:wasm` compiles this file
// twice: plain SIMD, and relaxed SIMD whose fused multiply-add runs where the runtime has it).
// Memory is managed by the caller (src/engine/runtime/kernels/simd/module.ts): it grows the memory, lays
// out the buffers from heapBase() up and passes byte offsets. All tensors are float32, NHWC, row-major.

/** Where the caller's buffers may start: everything below belongs to this module's static data. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/** acc + a·b: one fused multiply-add where relaxed SIMD is compiled in, else a multiply and an add (binaryen inlines it). */
function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/**
 * Copy x [n, h, w, c] into dst [n, h + top + bottom, w + left + right, c] with zeros around: the input of a
 * padded convolution, read afterwards without bounds checks.
 */
export function pad(src: usize, dst: usize, n: i32, h: i32, w: i32, c: i32, top: i32, bottom: i32, left: i32, right: i32): void {
  const hp = h + top + bottom;
  const wp = w + left + right;
  memory.fill(dst, 0, <usize>n * hp * wp * c * 4);
  const row = <usize>w * c * 4;
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < h; y++) {
      const to = dst + ((((<usize>i * hp + y + top) * wp + left) * c) << 2);
      memory.copy(to, src + (((<usize>i * h + y) * w * c) << 2), row);
    }
  }
}

/** Taps per tile of the filter gradient: 5 × 2 vectors of 4 accumulators fit x86's 16 SIMD registers. */
const TAPS: i32 = 5;
/** Output channels per tile: two vectors. */
const LANES: i32 = 8;
/** One tile's totals in scratch: TAPS × LANES floats. */
const TILE_BYTES: i32 = TAPS * LANES * 4;

/** acc[offset..+16) += v. */
function accumulate(acc: usize, offset: usize, v: v128): void {
  v128.store(acc + offset, f32x4.add(v128.load(acc + offset), v));
}

/** Bytes of the totals convFilterGrad keeps (its `acc` argument): one tile's per (filter row, taps, channels). */
export function filterGradAccBytes(kh: i32, kw: i32, ci: i32, co: i32): i32 {
  return kh * ((kw * ci + TAPS - 1) / TAPS) * ((co + LANES - 1) / LANES) * TILE_BYTES;
}

/**
 * Filter gradient of a 2-D convolution, dw [kh, kw, ci, co] = Σ_{n,oh,ow} xp[n, oh·sh + i, ow·sw + j, ci] · dy[n, oh, ow, co],
 * from the padded input xp [n, hp, wp, ci] and the output gradient dy [n, oh, ow, co].
 *
 * Along one filter row the (j, ci) taps read consecutive floats of xp, so they are tiled five at a time
 * against eight output channels: ten accumulators stay in registers over a sample's output positions, and
 * nothing is packed or transposed. Samples are the outer loop, so each sample's input and gradient stay in
 * cache while every tile reads them; each tile's per-sample sums go into its totals in `acc`
 * (filterGradAccBytes), float32 summed per sample, then across samples: far less rounding than one running
 * sum over the batch. Reads run past a row (tiles over the row's end, the last channels of dy): their lanes
 * are never stored, and the caller leaves SLACK bytes after both buffers.
 */
export function convFilterGrad(
  xp: usize,
  dy: usize,
  dw: usize,
  n: i32,
  hp: i32,
  wp: i32,
  ci: i32,
  oh: i32,
  ow: i32,
  co: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  acc: usize,
): void {
  const taps = kw * ci;
  const xStep = (<usize>(sw * ci)) << 2;
  const dyStep = (<usize>co) << 2;
  memory.fill(acc, 0, <usize>filterGradAccBytes(kh, kw, ci, co));
  for (let s = 0; s < n; s++) {
    let tile = acc;
    for (let i = 0; i < kh; i++) {
      for (let t0 = 0; t0 < taps; t0 += TAPS) {
        for (let c0 = 0; c0 < co; c0 += LANES) {
          let a0 = f32x4.splat(0),
            a1 = f32x4.splat(0),
            a2 = f32x4.splat(0),
            a3 = f32x4.splat(0),
            a4 = f32x4.splat(0);
          let b0 = f32x4.splat(0),
            b1 = f32x4.splat(0),
            b2 = f32x4.splat(0),
            b3 = f32x4.splat(0),
            b4 = f32x4.splat(0);
          for (let y = 0; y < oh; y++) {
            let x = xp + (((<usize>s * hp + y * sh + i) * wp * ci + t0) << 2);
            let d = dy + (((<usize>s * oh + y) * ow * co + c0) << 2);
            for (let z = 0; z < ow; z++) {
              const d0 = v128.load(d);
              const d1 = v128.load(d, 16);
              let v = v128.load32_splat(x);
              a0 = madd(v, d0, a0);
              b0 = madd(v, d1, b0);
              v = v128.load32_splat(x, 4);
              a1 = madd(v, d0, a1);
              b1 = madd(v, d1, b1);
              v = v128.load32_splat(x, 8);
              a2 = madd(v, d0, a2);
              b2 = madd(v, d1, b2);
              v = v128.load32_splat(x, 12);
              a3 = madd(v, d0, a3);
              b3 = madd(v, d1, b3);
              v = v128.load32_splat(x, 16);
              a4 = madd(v, d0, a4);
              b4 = madd(v, d1, b4);
              x += xStep;
              d += dyStep;
            }
          }
          accumulate(tile, 0, a0);
          accumulate(tile, 16, b0);
          accumulate(tile, 32, a1);
          accumulate(tile, 48, b1);
          accumulate(tile, 64, a2);
          accumulate(tile, 80, b2);
          accumulate(tile, 96, a3);
          accumulate(tile, 112, b3);
          accumulate(tile, 128, a4);
          accumulate(tile, 144, b4);
          tile += TILE_BYTES;
        }
      }
    }
  }
  // Only the taps and channels that exist are stored.
  let tile = acc;
  for (let i = 0; i < kh; i++) {
    for (let t0 = 0; t0 < taps; t0 += TAPS) {
      for (let c0 = 0; c0 < co; c0 += LANES) {
        const tn = min(TAPS, taps - t0);
        const cn = min(LANES, co - c0);
        for (let t = 0; t < tn; t++) {
          // Tap t0 + t of filter row i is (j, c) = ((t0 + t) / ci, (t0 + t) % ci): dw's row i·taps + t0 + t.
          const out = dw + (((<usize>i * taps + t0 + t) * co + c0) << 2);
          for (let c = 0; c < cn; c++) store<f32>(out + ((<usize>c) << 2), load<f32>(tile + ((<usize>(t * LANES + c)) << 2)));
        }
        tile += TILE_BYTES;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// A convolution block — conv (stride 1) + bias + activation + pool — forward and backward, each one pass
// per sample while the sample's activations are in cache. Channels are laid out with a padded stride `cp`
// (a multiple of 8, zeros in the extra lanes) so that every load and store is a whole vector.

/** Activations, as the caller numbers them. */
const LINEAR: i32 = 0;
const RELU: i32 = 1;
const TANH: i32 = 2;
const SIGMOID: i32 = 3;
const ELU: i32 = 4;

/** Pools, as the caller numbers them. */
const MAX_POOL: i32 = 1;
const AVERAGE_POOL: i32 = 2;

/**
 * out[n, oh, ow, cp] = bias[cp] + Σ_{i, t} xp[n, oy + i, ox·ci + t] · w[i, t, cp] over the taps t < kw·ci of each
 * filter row i: a stride-1 convolution of the padded input xp [n, hp, wp, ci] with w [kh, kw, ci, cp] (cp a
 * multiple of 8), then `act` applied. Four output positions share each pair of weight vectors: eight
 * accumulators in registers.
 * Rows of xp outside [lo, hi) are known to be zeros (padding) and are not read.
 */
function convRows(
  xp: usize,
  w: usize,
  bias: usize,
  out: usize,
  s: i32,
  hp: i32,
  wp: i32,
  ci: i32,
  oh: i32,
  ow: i32,
  cp: i32,
  kh: i32,
  kw: i32,
  lo: i32,
  hi: i32,
  act: i32,
): void {
  const taps = kw * ci;
  const rowX = <usize>(wp * ci);
  const cs = (<usize>ci) << 2;
  const tapRow = (<usize>(taps * cp)) << 2;
  const wStep = (<usize>cp) << 2;
  for (let oy = 0; oy < oh; oy++) {
    // Filter rows that read only padding rows add nothing: skipped.
    const i0 = max(0, lo - oy);
    const i1 = min(kh, hi - oy);
    const xRow = xp + (((<usize>s * hp + oy) * rowX) << 2);
    const outRow = out + (((<usize>s * oh + oy) * ow * cp) << 2);
    let ox = 0;
    for (; ox + 4 <= ow; ox += 4) {
      for (let c0 = 0; c0 < cp; c0 += 8) {
        const bias0 = v128.load(bias + ((<usize>c0) << 2));
        const bias1 = v128.load(bias + ((<usize>c0) << 2), 16);
        let a0 = bias0,
          a1 = bias0,
          a2 = bias0,
          a3 = bias0;
        let b0 = bias1,
          b1 = bias1,
          b2 = bias1,
          b3 = bias1;
        for (let i = i0; i < i1; i++) {
          let x = xRow + ((<usize>i * rowX + <usize>ox * ci) << 2);
          let wv = w + <usize>i * tapRow + ((<usize>c0) << 2);
          for (let t = 0; t < taps; t++) {
            const w0 = v128.load(wv);
            const w1 = v128.load(wv, 16);
            let v = v128.load32_splat(x);
            a0 = madd(v, w0, a0);
            b0 = madd(v, w1, b0);
            v = v128.load32_splat(x + cs);
            a1 = madd(v, w0, a1);
            b1 = madd(v, w1, b1);
            v = v128.load32_splat(x + 2 * cs);
            a2 = madd(v, w0, a2);
            b2 = madd(v, w1, b2);
            v = v128.load32_splat(x + 3 * cs);
            a3 = madd(v, w0, a3);
            b3 = madd(v, w1, b3);
            x += 4;
            wv += wStep;
          }
        }
        if (act == RELU) {
          const zero = f32x4.splat(0);
          a0 = f32x4.max(a0, zero);
          b0 = f32x4.max(b0, zero);
          a1 = f32x4.max(a1, zero);
          b1 = f32x4.max(b1, zero);
          a2 = f32x4.max(a2, zero);
          b2 = f32x4.max(b2, zero);
          a3 = f32x4.max(a3, zero);
          b3 = f32x4.max(b3, zero);
        } else if (act != LINEAR) {
          a0 = activate(a0, act);
          b0 = activate(b0, act);
          a1 = activate(a1, act);
          b1 = activate(b1, act);
          a2 = activate(a2, act);
          b2 = activate(b2, act);
          a3 = activate(a3, act);
          b3 = activate(b3, act);
        }
        const o = outRow + ((<usize>ox * cp + c0) << 2);
        v128.store(o, a0);
        v128.store(o, b0, 16);
        v128.store(o + wStep, a1);
        v128.store(o + wStep, b1, 16);
        v128.store(o + 2 * wStep, a2);
        v128.store(o + 2 * wStep, b2, 16);
        v128.store(o + 3 * wStep, a3);
        v128.store(o + 3 * wStep, b3, 16);
      }
    }
    for (; ox < ow; ox++) {
      for (let c0 = 0; c0 < cp; c0 += 8) {
        let a0 = v128.load(bias + ((<usize>c0) << 2));
        let b0 = v128.load(bias + ((<usize>c0) << 2), 16);
        for (let i = i0; i < i1; i++) {
          let x = xRow + ((<usize>i * rowX + <usize>ox * ci) << 2);
          let wv = w + <usize>i * tapRow + ((<usize>c0) << 2);
          for (let t = 0; t < taps; t++) {
            const v = v128.load32_splat(x);
            a0 = madd(v, v128.load(wv), a0);
            b0 = madd(v, v128.load(wv, 16), b0);
            x += 4;
            wv += wStep;
          }
        }
        const o = outRow + ((<usize>ox * cp + c0) << 2);
        v128.store(o, activate(a0, act));
        v128.store(o, activate(b0, act), 16);
      }
    }
  }
}

/** A stride-1 convolution of every sample (no activation, no pool): the input gradient's full convolution. */
export function conv(
  xp: usize,
  w: usize,
  bias: usize,
  out: usize,
  n: i32,
  hp: i32,
  wp: i32,
  ci: i32,
  oh: i32,
  ow: i32,
  cp: i32,
  kh: i32,
  kw: i32,
  lo: i32,
  hi: i32,
): void {
  for (let s = 0; s < n; s++) convRows(xp, w, bias, out, s, hp, wp, ci, oh, ow, cp, kh, kw, lo, hi, LINEAR);
}

/** e^t − 1 for t in [−87, 88], to about 1e-7 relative, small t included: t = k·ln2 + r, |r| ≤ ln2/2, a degree-7 series in r. */
function expm1(t: v128): v128 {
  t = f32x4.min(f32x4.max(t, f32x4.splat(-87)), f32x4.splat(88));
  const k = f32x4.nearest(f32x4.mul(t, f32x4.splat(1.4426950408889634)));
  // r = t − k·ln2 in two steps (ln2's high part is exact in float32 times small k).
  let r = f32x4.sub(t, f32x4.mul(k, f32x4.splat(0.693145751953125)));
  r = f32x4.sub(r, f32x4.mul(k, f32x4.splat(1.428606765330187e-6)));
  // p = e^r − 1 = r + r²/2! + … + r⁷/7!, by Horner.
  let p = f32x4.splat(1.0 / 5040);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 720));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1));
  p = f32x4.mul(p, r);
  // e^t − 1 = 2^k·(p + 1) − 1 = 2^k·p + (2^k − 1); exact when k = 0.
  const twoK = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(k), i32x4.splat(127)), 23);
  return f32x4.add(f32x4.mul(twoK, p), f32x4.sub(twoK, f32x4.splat(1)));
}

/** The activation of 4 lanes. */
function activate(z: v128, act: i32): v128 {
  if (act == RELU) return f32x4.max(z, f32x4.splat(0));
  if (act == TANH) {
    // tanh z = −expm1(−2z) / (expm1(−2z) + 2), which keeps small z's precision.
    const e = expm1(f32x4.mul(z, f32x4.splat(-2)));
    return f32x4.div(f32x4.neg(e), f32x4.add(e, f32x4.splat(2)));
  }
  if (act == SIGMOID) return f32x4.div(f32x4.splat(1), f32x4.add(expm1(f32x4.neg(z)), f32x4.splat(2)));
  if (act == ELU) return v128.bitselect(z, expm1(z), f32x4.gt(z, f32x4.splat(0)));
  return z;
}

/** dz·f′ for 4 lanes, from the activation's output a. */
function activationGrad(dz: v128, a: v128, act: i32): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  if (act == RELU) return v128.and(dz, f32x4.gt(a, zero));
  if (act == TANH) return f32x4.mul(dz, f32x4.sub(one, f32x4.mul(a, a)));
  if (act == SIGMOID) return f32x4.mul(dz, f32x4.mul(a, f32x4.sub(one, a)));
  if (act == ELU) return f32x4.mul(dz, v128.bitselect(one, f32x4.add(a, one), f32x4.ge(a, zero)));
  return dz;
}

/**
 * One sample's pooling of a [oh, ow, cp] into p [ph, pw, cp]: the maximum or mean of each size × size window,
 * windows `stride` apart from the top left (valid pooling: the windows that fit).
 */
function poolSample(a: usize, p: usize, ow: i32, cp: i32, ph: i32, pw: i32, size: i32, stride: i32, kind: i32): void {
  const scale = f32x4.splat(<f32>1 / <f32>(size * size));
  for (let py = 0; py < ph; py++) {
    for (let px = 0; px < pw; px++) {
      const out = p + (((<usize>py * pw + px) * cp) << 2);
      for (let c = 0; c < cp; c += 4) {
        let m = kind == MAX_POOL ? f32x4.splat(-Infinity) : f32x4.splat(0);
        for (let dy = 0; dy < size; dy++) {
          let at = a + (((<usize>(py * stride + dy) * ow + px * stride) * cp + c) << 2);
          for (let dx = 0; dx < size; dx++) {
            const v = v128.load(at);
            m = kind == MAX_POOL ? f32x4.max(m, v) : f32x4.add(m, v);
            at += (<usize>cp) << 2;
          }
        }
        v128.store(out + ((<usize>c) << 2), kind == MAX_POOL ? m : f32x4.mul(m, scale));
      }
    }
  }
}

/**
 * Forward of a block, sample by sample: a [n, oh, ow, cp] = act(conv(xp, w) + bias), then p [n, ph, pw, cp] its
 * pool (kind 0: none, and p is not written). Rows of xp outside [lo, hi) are padding.
 */
export function blockForward(
  xp: usize,
  w: usize,
  bias: usize,
  a: usize,
  p: usize,
  n: i32,
  hp: i32,
  wp: i32,
  ci: i32,
  oh: i32,
  ow: i32,
  cp: i32,
  kh: i32,
  kw: i32,
  act: i32,
  kind: i32,
  size: i32,
  stride: i32,
  ph: i32,
  pw: i32,
  lo: i32,
  hi: i32,
): void {
  const sampleBytes = (<usize>(oh * ow * cp)) << 2;
  for (let s = 0; s < n; s++) {
    // The activation is applied as each tile of outputs leaves the registers.
    convRows(xp, w, bias, a, s, hp, wp, ci, oh, ow, cp, kh, kw, lo, hi, act);
    const from = a + <usize>s * sampleBytes;
    const to = p + ((<usize>s * ph * pw * cp) << 2);
    if (kind == MAX_POOL) poolSample(from, to, ow, cp, ph, pw, size, stride, MAX_POOL);
    else if (kind == AVERAGE_POOL) poolSample(from, to, ow, cp, ph, pw, size, stride, AVERAGE_POOL);
  }
}

/**
 * Backward of a block's pool and activation, sample by sample: dz [n, oh, ow, cp] = act′(a) · (the pool's
 * gradient of dp [n, ph, pw, cp]), and db [cp] = Σ dz. Max pooling routes each window's gradient to its first
 * (row-major) maximum, as tfjs does; kind 0 (no pool) reads dz as already holding dp. scratch: cp floats.
 */
export function blockBackward(
  a: usize,
  p: usize,
  dp: usize,
  dz: usize,
  db: usize,
  n: i32,
  oh: i32,
  ow: i32,
  cp: i32,
  act: i32,
  kind: i32,
  size: i32,
  stride: i32,
  ph: i32,
  pw: i32,
  scratch: usize,
): void {
  const sampleBytes = (<usize>(oh * ow * cp)) << 2;
  const cpBytes = (<usize>cp) << 2;
  memory.fill(db, 0, cpBytes);
  for (let s = 0; s < n; s++) {
    const zs = dz + <usize>s * sampleBytes;
    const as = a + <usize>s * sampleBytes;
    if (kind != 0 && stride == size) {
      // Windows that neither overlap nor leave gaps between them: pool, activation and bias gradients in one pass.
      if (ph * size < oh || pw * size < ow) memory.fill(zs, 0, sampleBytes);
      poolGradSample(as, p, dp, zs, sampleBytes, s, ow, cp, ph, pw, size, size, kind, true, act, scratch);
      for (let c: usize = 0; c < cpBytes; c += 16) v128.store(db + c, f32x4.add(v128.load(db + c), v128.load(scratch + c)));
      continue;
    }
    if (kind != 0) poolGradSample(as, p, dp, zs, sampleBytes, s, ow, cp, ph, pw, size, stride, kind, false, act, scratch);
    if (act == RELU) activationGradSample(zs, as, sampleBytes, cpBytes, scratch, RELU);
    else if (act == TANH) activationGradSample(zs, as, sampleBytes, cpBytes, scratch, TANH);
    else if (act == SIGMOID) activationGradSample(zs, as, sampleBytes, cpBytes, scratch, SIGMOID);
    else if (act == ELU) activationGradSample(zs, as, sampleBytes, cpBytes, scratch, ELU);
    else activationGradSample(zs, as, sampleBytes, cpBytes, scratch, LINEAR);
    for (let c: usize = 0; c < cpBytes; c += 16) v128.store(db + c, f32x4.add(v128.load(db + c), v128.load(scratch + c)));
  }
}
/**
 * Sample s's pool gradient into zs [oh, ow, cp]: dp routed to each window's first maximum, or spread evenly.
 * Unfused, windows may overlap or leave gaps: zs is cleared, then each window adds its share. Fused (windows
 * `size` apart, so each position has at most one window), each share is multiplied by act′(a) and stored,
 * and its sums per channel go into scratch [cp]; positions outside every window are left as they are.
 */
function poolGradSample(
  as: usize,
  p: usize,
  dp: usize,
  zs: usize,
  sampleBytes: usize,
  s: i32,
  ow: i32,
  cp: i32,
  ph: i32,
  pw: i32,
  size: i32,
  stride: i32,
  kind: i32,
  fused: bool,
  act: i32,
  scratch: usize,
): void {
  const cpBytes = (<usize>cp) << 2;
  const scale = f32x4.splat(<f32>1 / <f32>(size * size));
  if (fused) memory.fill(scratch, 0, cpBytes);
  else memory.fill(zs, 0, sampleBytes);
  const ps = p + <usize>s * ph * pw * cpBytes;
  const dps = dp + <usize>s * ph * pw * cpBytes;
  for (let py = 0; py < ph; py++) {
    for (let px = 0; px < pw; px++) {
      const window = (<usize>py * pw + px) * cpBytes;
      for (let c = 0; c < cp; c += 4) {
        const g = v128.load(dps + window + ((<usize>c) << 2));
        const m = v128.load(ps + window + ((<usize>c) << 2));
        // Lanes still looking for their window's first maximum.
        let open = i32x4.splat(-1);
        let sum = f32x4.splat(0);
        for (let dy = 0; dy < size; dy++) {
          let at = ((<usize>(py * stride + dy) * ow + px * stride) * cp + c) << 2;
          for (let dx = 0; dx < size; dx++) {
            const a = v128.load(as + at);
            let share = f32x4.mul(g, scale);
            if (kind == MAX_POOL) {
              const first = v128.and(open, f32x4.eq(a, m));
              open = v128.andnot(open, first);
              share = v128.and(g, first);
            }
            if (fused) {
              const d = activationGrad(share, a, act);
              v128.store(zs + at, d);
              sum = f32x4.add(sum, d);
            } else {
              v128.store(zs + at, f32x4.add(v128.load(zs + at), share));
            }
            at += cpBytes;
          }
        }
        if (fused) accumulate(scratch, (<usize>c) << 2, sum);
      }
    }
  }
}

/** dz ·= act′(a) over one sample, in place, its sums per channel into scratch [cp]. */
function activationGradSample(zs: usize, as: usize, sampleBytes: usize, cpBytes: usize, scratch: usize, act: i32): void {
  memory.fill(scratch, 0, cpBytes);
  for (let at: usize = 0; at < sampleBytes; at += cpBytes) {
    for (let c: usize = 0; c < cpBytes; c += 16) {
      const g = activationGrad(v128.load(zs + at + c), v128.load(as + at + c), act);
      v128.store(zs + at + c, g);
      v128.store(scratch + c, f32x4.add(v128.load(scratch + c), g));
    }
  }
}

/** dst [count, to] from src [count, from]: each row's first min(from, to) floats, zeros after. */
export function restride(src: usize, dst: usize, count: i32, from: i32, to: i32): void {
  const keep = (<usize>min(from, to)) << 2;
  const rest = (<usize>(to - min(from, to))) << 2;
  for (let r = 0; r < count; r++) {
    const d = dst + ((<usize>r * to) << 2);
    memory.copy(d, src + ((<usize>r * from) << 2), keep);
    if (rest > 0) memory.fill(d + keep, 0, rest);
  }
}

/**
 * The filter of the input gradient's full convolution: w2 [kh, kw, cp, cip] holds the packed filter w [kh, kw, ci, cp]
 * turned half a turn with its channel axes swapped, w2[i, j, o, c] = w[kh − 1 − i, kw − 1 − j, c, o], zeros in the
 * padding channels (o ≥ co, c ≥ ci).
 */
export function flipFilter(w: usize, w2: usize, kh: i32, kw: i32, ci: i32, co: i32, cp: i32, cip: i32): void {
  memory.fill(w2, 0, (<usize>(kh * kw * cp * cip)) << 2);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const from = w + ((<usize>((kh - 1 - i) * kw + (kw - 1 - j)) * ci * cp) << 2);
      const to = w2 + ((<usize>(i * kw + j) * cp * cip) << 2);
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) store<f32>(to + ((<usize>(o * cip + c)) << 2), load<f32>(from + ((<usize>(c * cp + o)) << 2)));
      }
    }
  }
}
