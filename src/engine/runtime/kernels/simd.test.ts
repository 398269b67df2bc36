// Our WebAssembly SIMD kernels: the committed binaries match their source, the build is chosen by what the
// runtime validates, and each kernel equals tfjs's cpu backend on random shapes.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../backend.ts';
import { setFlagsFromString } from 'node:v8';
import { chooseBuild, createSimdKernels, simdKernels } from './simd/module.ts';
import { filterGradient } from './simd-filter-grad.ts';
import { buildWasm, OUT_DIR } from '../../../../scripts/build-wasm.mjs';
import { limitSplit, loadDataset } from '../../data/dataset.ts';
import { createModel } from '../../model/model.ts';
import { shareGradients } from '../../training/step/gradients.ts';
import { defaultSpec } from '../../../shared/spec.ts';

function random(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
}

beforeAll(async () => {
  expect(await initBackend({ want: 'wasm' })).toBe('wasm');
});

describe('the committed binaries', () => {
  it('are byte-identical to a fresh build of wasm/kernels.ts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simd-build-'));
    const files = await buildWasm(dir);
    expect(files).toEqual(['kernels.wasm', 'kernels-relaxed.wasm', 'binaries.ts']);
    for (const file of files) expect(readFileSync(join(dir, file)).equals(readFileSync(join(OUT_DIR, file))), file).toBe(true);
  });

  it('run the plain build where relaxed SIMD does not validate (Node 20 without a flag), or when asked to', () => {
    expect(chooseBuild(false)).toBe('plain');
    expect(chooseBuild(true)).toBe('relaxed');
    process.env.DIGIT_STUDIO_WASM_SIMD = 'plain';
    try {
      expect(chooseBuild(true)).toBe('plain');
    } finally {
      delete process.env.DIGIT_STUDIO_WASM_SIMD;
    }
    // This Node has no relaxed SIMD without --experimental-wasm-relaxed-simd.
    expect(simdKernels().build).toBe(Number(process.versions.node.split('.')[0]) <= 20 ? 'plain' : simdKernels().build);
  });
});

// [x shape, filter shape, stride, padding]: LeNet's layers at batch 1 and 200, the 3×3 variant, odd sizes,
// channel counts that are not multiples of the kernel's tiles (8 channels, 5 taps), strides.
type Shape = [number, number, number, number];
type Case = [Shape, Shape, number, 'same' | 'valid'];
const cases: Case[] = [
  [[1, 28, 28, 1], [5, 5, 1, 6], 1, 'same'],
  [[200, 28, 28, 1], [5, 5, 1, 6], 1, 'same'],
  [[200, 14, 14, 6], [5, 5, 6, 16], 1, 'valid'],
  [[1, 14, 14, 6], [5, 5, 6, 16], 1, 'valid'],
  [[3, 28, 28, 1], [3, 3, 1, 32], 1, 'same'],
  [[3, 14, 14, 32], [3, 3, 32, 32], 1, 'valid'],
  [[2, 9, 11, 3], [3, 2, 3, 5], 1, 'same'],
  [[3, 11, 10, 2], [3, 3, 2, 3], 2, 'same'],
  [[2, 9, 9, 1], [4, 4, 1, 2], 3, 'valid'],
  [[2, 7, 6, 4], [2, 2, 4, 9], 1, 'same'],
  [[1, 5, 5, 7], [5, 5, 7, 1], 1, 'valid'],
];

/** dW of conv2d(x, w) against the output gradient dy, on the current backend: Conv2DBackpropFilter through tfjs's gradient. */
async function tfFilterGradient(
  xs: Float32Array,
  xShape: Shape,
  dys: Float32Array,
  wShape: Shape,
  stride: number,
  pad: 'same' | 'valid',
): Promise<Float32Array> {
  const x = tf.tensor4d(xs, xShape);
  const w = tf.zeros(wShape);
  const dw = tf.grad((k: tf.Tensor) => {
    const y = tf.conv2d(x, k as tf.Tensor4D, stride, pad);
    return y.mul(tf.tensor(dys, y.shape)).sum();
  })(w);
  const values = (await dw.data()) as Float32Array;
  tf.dispose([x, w, dw]);
  return values;
}

/** Largest difference relative to the largest reference value. */
function relative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let w = 0;
  for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]));
  return w / scale;
}

/** The filter gradient summed in float64: the reference (checked against the cpu backend on the small cases). */
function referenceFilterGradient(x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo): Float64Array {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const dw = new Float64Array(kh * kw * ci * co);
  for (let s = 0; s < n; s++)
    for (let y = 0; y < oh; y++)
      for (let z = 0; z < ow; z++)
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) {
            const iy = y * sh + i - top;
            const ix = z * sw + j - left;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            for (let c = 0; c < ci; c++) {
              const xv = x[((s * h + iy) * w + ix) * ci + c];
              const d = ((s * oh + y) * ow + z) * co;
              const o = ((i * kw + j) * ci + c) * co;
              for (let k = 0; k < co; k++) dw[o + k] += xv * dy[d + k];
            }
          }
  return dw;
}

describe('a full training step', () => {
  it.each([
    ['the notebook LeNet-5', {}],
    ['tanh, 32 filters of 3×3', { activation: 'tanh', conv: defaultSpec().conv.map((c) => ({ ...c, filters: 32, kernelSize: 3 })) }],
  ] as const)("%s: gradients on wasm (our kernels) equal the cpu backend's", async (_, change) => {
    const spec = { ...defaultSpec(), ...change };
    const train = limitSplit((await loadDataset()).train, 10);
    const indices = Uint32Array.from({ length: 10 }, (_, i) => i);
    const gradients = async (backend: string) => {
      await tf.setBackend(backend);
      const model = createModel(spec);
      const { grads, loss } = shareGradients(model, train, indices);
      const values = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array));
      tf.dispose(grads);
      model.dispose();
      return { values, loss };
    };
    const cpu = await gradients('cpu');
    const wasm = await gradients('wasm');
    expect(wasm.loss).toBeCloseTo(cpu.loss, 5);
    expect(wasm.values).toHaveLength(10);
    wasm.values.forEach((g, k) => expect(relative(g, cpu.values[k]), `weight ${k}`).toBeLessThan(1e-4));
  });
});

describe('filter gradient (convFilterGrad)', () => {
  it.each(cases)('x %j, filter %j, stride %i, %s: equals the float64 sum and the cpu backend', async (xShape, wShape, stride, pad) => {
    const xs = random(
      xShape.reduce((a, b) => a * b, 1),
      7,
    );
    const info = tf.backend_util.computeConv2DInfo(xShape, wShape, stride, 1, pad);
    const dys = random(info.batchSize * info.outHeight * info.outWidth * info.outChannels, 11);
    const expected = referenceFilterGradient(xs, dys, info);
    // The kernel alone, and through tfjs's gradient on the wasm backend (where it is registered).
    expect(relative(filterGradient(xs, dys, info), expected)).toBeLessThan(1e-5);
    expect(relative(await tfFilterGradient(xs, xShape, dys, wShape, stride, pad), expected)).toBeLessThan(1e-5);
    // tfjs's cpu backend agrees with the reference (it is slow: small batches only).
    if (info.batchSize <= 3) {
      await tf.setBackend('cpu');
      const cpu = await tfFilterGradient(xs, xShape, dys, wShape, stride, pad);
      await tf.setBackend('wasm');
      expect(relative(cpu, expected)).toBeLessThan(1e-5);
    }
  });

  it('keeps tensor and memory counts flat over many gradients', async () => {
    const x = tf.randomNormal([20, 14, 14, 6]) as tf.Tensor4D;
    const w = tf.randomNormal([5, 5, 6, 16]) as tf.Tensor4D;
    const grad = tf.grad((k: tf.Tensor) =>
      tf
        .conv2d(x, k as tf.Tensor4D, 1, 'valid')
        .square()
        .sum(),
    );
    tf.dispose(grad(w));
    const wasmBytes = simdKernels().exports.memory.buffer.byteLength;
    const before = tf.memory();
    for (let i = 0; i < 20; i++) tf.dispose(grad(w));
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(simdKernels().exports.memory.buffer.byteLength).toBe(wasmBytes);
    tf.dispose([x, w]);
  });

  // Last in this file: the flag stays set for the rest of this test process.
  it('relaxed build (fused multiply-add) equals the float64 sum too, where the runtime has relaxed SIMD', () => {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    expect(chooseBuild()).toBe('relaxed');
    const relaxed = createSimdKernels('relaxed');
    for (const [xShape, wShape, stride, pad] of [cases[1], cases[2], cases[5], cases[7]]) {
      const xs = random(
        xShape.reduce((a, b) => a * b, 1),
        7,
      );
      const info = tf.backend_util.computeConv2DInfo(xShape, wShape, stride, 1, pad);
      const dys = random(info.batchSize * info.outHeight * info.outWidth * info.outChannels, 11);
      expect(relative(filterGradient(xs, dys, info, relaxed), referenceFilterGradient(xs, dys, info))).toBeLessThan(1e-5);
    }
  });
});
