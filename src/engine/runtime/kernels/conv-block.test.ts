// The fused conv block (conv + bias + activation + pool, and its gradient) against the same computation as
// tfjs's separate ops: on the cpu backend (the reference) and on wasm (the unfused path it replaces).
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../backend.ts';
import { setFlagsFromString } from 'node:v8';
import { type BlockActivation, type BlockConfig, ConvBlock } from './conv-block.ts';
import { chooseBuild, createSimdKernels } from './simd/module.ts';

type Shape = [number, number, number, number];

beforeAll(async () => {
  expect(await initBackend({ want: 'wasm' })).toBe('wasm');
});

function random(shape: number[], seed: number): Float32Array {
  let s = seed;
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
}

const ACTIVATE: Record<BlockActivation, (t: tf.Tensor) => tf.Tensor> = {
  linear: (t) => t,
  relu: (t) => tf.relu(t),
  tanh: (t) => tf.tanh(t),
  sigmoid: (t) => tf.sigmoid(t),
  elu: (t) => tf.elu(t),
};

/** The block as tfjs's own ops. */
function unfused(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D, config: BlockConfig): tf.Tensor {
  const y = ACTIVATE[config.activation](tf.conv2d(x, kernel, 1, config.padding).add(bias)) as tf.Tensor4D;
  const pool = config.pool;
  if (!pool) return y;
  return pool.kind === 'max' ? tf.maxPool(y, pool.size, pool.stride, 'valid') : tf.avgPool(y, pool.size, pool.stride, 'valid');
}

interface Result {
  output: Float32Array;
  /** Gradients of Σ output·dy for x, kernel and bias. */
  grads: Float32Array[];
}

/** Output and gradients of `f` on the current backend, for the given values. */
async function run(f: (x: tf.Tensor4D, k: tf.Tensor4D, b: tf.Tensor1D) => tf.Tensor, xShape: Shape, kShape: Shape, seed: number): Promise<Result> {
  const x = tf.tensor4d(random(xShape, seed), xShape);
  const k = tf.tensor4d(random(kShape, seed + 1), kShape).mul(0.5) as tf.Tensor4D;
  const b = tf.tensor1d(random([kShape[3]], seed + 2)).mul(0.1) as tf.Tensor1D;
  const out = f(x, k, b);
  const dy = tf.tensor(random(out.shape, seed + 3), out.shape);
  const grads = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
    f(a as tf.Tensor4D, c as tf.Tensor4D, d as tf.Tensor1D)
      .mul(dy)
      .sum(),
  )([x, k, b]);
  const result = { output: (await out.data()) as Float32Array, grads: await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array)) };
  tf.dispose([x, k, b, out, dy, ...grads]);
  return result;
}

/** ‖a − b‖ / ‖b‖: the difference relative to the reference's size. */
function relative(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff / Math.max(norm, 1e-30));
}

// [x, kernel, padding, activation, pool]: LeNet's two layers at batch 1 and 200, the notebook's variants
// (tanh, 3×3, 32 filters, average pooling, no pool), odd sizes, channel counts that are not multiples of 8,
// pools with strides other than their size (overlapping and gapped), and every activation.
type Case = [Shape, Shape, 'same' | 'valid', BlockActivation, BlockConfig['pool']];
const max2 = { kind: 'max', size: 2, stride: 2 } as const;
const cases: Case[] = [
  [[1, 28, 28, 1], [5, 5, 1, 6], 'same', 'relu', max2],
  [[200, 28, 28, 1], [5, 5, 1, 6], 'same', 'relu', max2],
  [[200, 14, 14, 6], [5, 5, 6, 16], 'valid', 'relu', max2],
  [[1, 14, 14, 6], [5, 5, 6, 16], 'valid', 'tanh', max2],
  [[3, 28, 28, 1], [3, 3, 1, 32], 'same', 'tanh', max2],
  [[3, 14, 14, 32], [3, 3, 32, 32], 'valid', 'sigmoid', { kind: 'average', size: 2, stride: 2 }],
  [[2, 9, 11, 3], [3, 2, 3, 5], 'same', 'elu', { kind: 'max', size: 3, stride: 2 }],
  [[2, 11, 10, 2], [4, 4, 2, 3], 'same', 'linear', { kind: 'max', size: 2, stride: 1 }],
  [[2, 7, 6, 4], [2, 2, 4, 9], 'valid', 'relu', { kind: 'average', size: 2, stride: 3 }],
  [[1, 5, 5, 7], [5, 5, 7, 1], 'valid', 'relu', null],
  [[2, 13, 13, 6], [5, 5, 6, 16], 'same', 'tanh', null],
];

describe('ConvBlock', () => {
  it.each(cases)(
    'x %j, kernel %j, %s, %s, pool %j: output and gradients equal tfjs on cpu and unfused wasm',
    async (xShape, kShape, padding, activation, pool) => {
      const config: BlockConfig = { padding, activation, pool, inputGrad: true };
      const block = new ConvBlock(config);
      const fused = await run((x, k, b) => block.apply(x, k, b), xShape, kShape, 5);
      const wasm = await run((x, k, b) => unfused(x, k, b, config), xShape, kShape, 5);
      await tf.setBackend('cpu');
      const cpu = await run((x, k, b) => unfused(x, k, b, config), xShape, kShape, 5);
      await tf.setBackend('wasm');
      // Fused equals unfused to 1e-5; both equal the cpu reference as closely as float32 sums allow.
      expect(relative(fused.output, wasm.output)).toBeLessThan(1e-5);
      expect(relative(fused.output, cpu.output)).toBeLessThan(1e-5);
      ['x', 'kernel', 'bias'].forEach((name, i) => {
        expect(relative(fused.grads[i], wasm.grads[i]), `d${name} against unfused wasm`).toBeLessThan(1e-5);
        expect(relative(fused.grads[i], cpu.grads[i]), `d${name} against cpu`).toBeLessThan(1e-5);
      });
    },
  );

  it('gives the first block, whose input is the data, a zero input gradient without computing one', async () => {
    const block = new ConvBlock({ padding: 'same', activation: 'relu', pool: max2, inputGrad: false });
    const fused = await run((x, k, b) => block.apply(x, k, b), [2, 8, 8, 1], [3, 3, 1, 4], 9);
    const wasm = await run((x, k, b) => unfused(x, k, b, block.config), [2, 8, 8, 1], [3, 3, 1, 4], 9);
    expect(fused.grads[0].every((v) => v === 0)).toBe(true);
    expect(relative(fused.grads[1], wasm.grads[1])).toBeLessThan(1e-5);
    expect(relative(fused.grads[2], wasm.grads[2])).toBeLessThan(1e-5);
  });

  it('refuses a backward whose forward state was overwritten by a second forward', () => {
    const block = new ConvBlock({ padding: 'valid', activation: 'relu', pool: null, inputGrad: true });
    const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
    const k = tf.ones([3, 3, 1, 2]) as tf.Tensor4D;
    const b = tf.zeros([2]) as tf.Tensor1D;
    expect(() =>
      tf.grad((input: tf.Tensor) => {
        const first = block.apply(input as tf.Tensor4D, k, b);
        block.apply(input as tf.Tensor4D, k, b);
        return first.sum();
      })(x),
    ).toThrow(/ran forward again before its backward/);
    tf.dispose([x, k, b]);
  });

  it('keeps tensor counts, tfjs memory and its own memory flat over many steps', () => {
    const block = new ConvBlock({ padding: 'valid', activation: 'relu', pool: max2, inputGrad: true });
    const x = tf.randomNormal([20, 14, 14, 6]) as tf.Tensor4D;
    const k = tf.randomNormal([5, 5, 6, 16]) as tf.Tensor4D;
    const b = tf.zeros([16]) as tf.Tensor1D;
    const step = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      block
        .apply(a as tf.Tensor4D, c as tf.Tensor4D, d as tf.Tensor1D)
        .square()
        .sum(),
    );
    tf.dispose(step([x, k, b]));
    const before = tf.memory();
    const ownBytes = block.memoryBytes();
    for (let i = 0; i < 20; i++) tf.dispose(step([x, k, b]));
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(block.memoryBytes()).toBe(ownBytes);
    tf.dispose([x, k, b]);
  });

  // Last in this file: the flag stays set for the rest of this test process.
  it('relaxed build (fused multiply-add, as Electron runs it) gives the same outputs and gradients', async () => {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    expect(chooseBuild()).toBe('relaxed');
    for (const [xShape, kShape, padding, activation, pool] of [cases[2], cases[4], cases[6], cases[9]]) {
      const config: BlockConfig = { padding, activation, pool, inputGrad: true };
      const relaxed = new ConvBlock(config, createSimdKernels('relaxed'));
      const fused = await run((x, k, b) => relaxed.apply(x, k, b), xShape, kShape, 5);
      const wasm = await run((x, k, b) => unfused(x, k, b, config), xShape, kShape, 5);
      expect(relative(fused.output, wasm.output)).toBeLessThan(1e-5);
      fused.grads.forEach((g, i) => expect(relative(g, wasm.grads[i]), `gradient ${i}`).toBeLessThan(1e-5));
    }
  });
});
