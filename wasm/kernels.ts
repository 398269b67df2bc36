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

/** scratch[offset..+16) += v. */
function accumulate(scratch: usize, offset: usize, v: v128): void {
  v128.store(scratch + offset, f32x4.add(v128.load(scratch + offset), v));
}

/**
 * Filter gradient of a 2-D convolution, dw [kh, kw, ci, co] = Σ_{n,oh,ow} xp[n, oh·sh + i, ow·sw + j, ci] · dy[n, oh, ow, co],
 * from the padded input xp [n, hp, wp, ci] and the output gradient dy [n, oh, ow, co].
 *
 * Along one filter row the (j, ci) taps read consecutive floats of xp, so they are tiled five at a time
 * against eight output channels: ten accumulators stay in registers over each sample's output positions, and
 * nothing is packed or transposed. Reads run past a row (tiles over the row's end, the last channels of
 * dy): their lanes are never stored, and the caller leaves SLACK bytes after both buffers.
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
  scratch: usize,
): void {
  const taps = kw * ci;
  const xStep = (<usize>(sw * ci)) << 2;
  const dyStep = (<usize>co) << 2;
  for (let i = 0; i < kh; i++) {
    for (let t0 = 0; t0 < taps; t0 += TAPS) {
      for (let c0 = 0; c0 < co; c0 += LANES) {
        // Each sample's sums go into totals in scratch (float32 summed per sample, then across samples:
        // far less rounding than one running sum over every position of the batch).
        memory.fill(scratch, 0, TILE_BYTES);
        for (let s = 0; s < n; s++) {
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
              let v = f32x4.splat(load<f32>(x));
              a0 = madd(v, d0, a0);
              b0 = madd(v, d1, b0);
              v = f32x4.splat(load<f32>(x, 4));
              a1 = madd(v, d0, a1);
              b1 = madd(v, d1, b1);
              v = f32x4.splat(load<f32>(x, 8));
              a2 = madd(v, d0, a2);
              b2 = madd(v, d1, b2);
              v = f32x4.splat(load<f32>(x, 12));
              a3 = madd(v, d0, a3);
              b3 = madd(v, d1, b3);
              v = f32x4.splat(load<f32>(x, 16));
              a4 = madd(v, d0, a4);
              b4 = madd(v, d1, b4);
              x += xStep;
              d += dyStep;
            }
          }
          accumulate(scratch, 0, a0);
          accumulate(scratch, 16, b0);
          accumulate(scratch, 32, a1);
          accumulate(scratch, 48, b1);
          accumulate(scratch, 64, a2);
          accumulate(scratch, 80, b2);
          accumulate(scratch, 96, a3);
          accumulate(scratch, 112, b3);
          accumulate(scratch, 128, a4);
          accumulate(scratch, 144, b4);
        }
        // Only the taps and channels that exist are stored.
        const tn = min(TAPS, taps - t0);
        const cn = min(LANES, co - c0);
        for (let t = 0; t < tn; t++) {
          // Tap t0 + t of filter row i is (j, c) = ((t0 + t) / ci, (t0 + t) % ci): dw's row i·taps + t0 + t.
          const out = dw + (((<usize>i * taps + t0 + t) * co + c0) << 2);
          for (let c = 0; c < cn; c++) store<f32>(out + ((<usize>c) << 2), load<f32>(scratch + ((<usize>(t * LANES + c)) << 2)));
        }
      }
    }
  }
}
