import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../backend.ts';

/** The filter gradient of sum(conv²) on `backend`, from the same inputs. */
async function filterGradient(
  backend: string,
  x: Float32Array,
  xShape: number[],
  f: Float32Array,
  fShape: number[],
  stride: number,
  pad: 'same' | 'valid',
) {
  await tf.setBackend(backend);
  const xs = tf.tensor4d(x, xShape as [number, number, number, number]);
  const grad = tf.grad((w) =>
    tf
      .conv2d(xs, w as tf.Tensor4D, stride, pad)
      .square()
      .sum(),
  );
  const g = grad(tf.tensor4d(f, fShape as [number, number, number, number]));
  const values = await g.data();
  tf.dispose([xs, g]);
  return values;
}

function random(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
}

describe('Conv2DBackpropFilter on wasm', () => {
  beforeAll(async () => {
    expect(await initBackend()).toBe('wasm');
  });

  const cases: [number[], number[], number, 'same' | 'valid'][] = [
    [[4, 9, 9, 3], [3, 3, 3, 5], 1, 'same'],
    [[2, 8, 8, 2], [5, 5, 2, 4], 1, 'valid'],
    [[3, 11, 10, 2], [3, 3, 2, 3], 2, 'same'],
    [[2, 9, 9, 1], [4, 4, 1, 2], 3, 'valid'],
    [[8, 28, 28, 1], [5, 5, 1, 6], 1, 'same'],
    [[8, 14, 14, 6], [5, 5, 6, 16], 1, 'valid'],
  ];
  it.each(cases)('input %j, filter %j, stride %i, %s padding matches the cpu reference', async (xShape, fShape, stride, pad) => {
    const x = random(
      xShape.reduce((a, b) => a * b),
      7,
    );
    const f = random(
      fShape.reduce((a, b) => a * b),
      11,
    );
    const want = await filterGradient('cpu', x, xShape, f, fShape, stride, pad);
    const got = await filterGradient('wasm', x, xShape, f, fShape, stride, pad);
    expect(got.length).toBe(want.length);
    let worst = 0;
    want.forEach((w, i) => (worst = Math.max(worst, Math.abs(w - got[i]) / (1 + Math.abs(w)))));
    expect(worst).toBeLessThan(1e-4);
    await tf.setBackend('wasm');
  });

  it('leaks no tensors', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 8, 8, 2]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 2, 4]) as tf.Tensor4D;
    const grad = tf.grad((k) => tf.conv2d(x, k as tf.Tensor4D, 1, 'same').sum());
    tf.dispose(grad(w));
    const before = tf.memory().numTensors;
    const bytesBefore = tf.memory().numBytes;
    for (let i = 0; i < 5; i++) tf.dispose(grad(w));
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.memory().numBytes).toBe(bytesBefore);
  });
});
