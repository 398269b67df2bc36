// Each of our wasm kernels against tfjs's cpu backend (the reference), on random shapes.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../backend.ts';

function random(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
}

type Inputs = { shape: number[]; seed: number }[];

/** Run `f` on the same random inputs on wasm and on cpu; return the largest relative difference. */
async function compare(inputs: Inputs, f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Promise<number> {
  const values = inputs.map(({ shape, seed }) =>
    random(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
  );
  const outputs: Float32Array[][] = [];
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    const xs = inputs.map(({ shape }, i) => tf.tensor(values[i], shape));
    const out = f(...xs);
    const list = Array.isArray(out) ? out : [out];
    outputs.push(await Promise.all(list.map(async (t) => (await t.data()) as Float32Array)));
    tf.dispose([...xs, ...list]);
  }
  await tf.setBackend('wasm');
  const [got, want] = outputs;
  let worst = 0;
  want.forEach((w, k) => {
    expect(got[k].length).toBe(w.length);
    w.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got[k][i]) / (1 + Math.abs(v)))));
  });
  return worst;
}

beforeAll(async () => {
  expect(await initBackend({ want: 'wasm' })).toBe('wasm');
});

type ConvCase = [number[], number[], number, 'same' | 'valid'];
const convCases: ConvCase[] = [
  [[4, 9, 9, 3], [3, 3, 3, 5], 1, 'same'],
  [[2, 8, 8, 2], [5, 5, 2, 4], 1, 'valid'],
  [[3, 11, 10, 2], [3, 3, 2, 3], 2, 'same'],
  [[2, 9, 9, 1], [4, 4, 1, 2], 3, 'valid'],
  [[8, 28, 28, 1], [5, 5, 1, 6], 1, 'same'],
  [[8, 14, 14, 6], [5, 5, 6, 16], 1, 'valid'],
  [[3, 7, 6, 4], [2, 2, 4, 3], 1, 'same'],
];

describe('convolution gradients', () => {
  const cases = convCases.flatMap(([x, w, stride, pad]) => (['filter', 'input'] as const).map((of) => [of, x, w, stride, pad] as const));
  it.each(cases)('%s gradient: input %j, filter %j, stride %i, %s', async (of, xShape, wShape, stride, pad) => {
    const worst = await compare(
      [
        { shape: xShape, seed: 7 },
        { shape: wShape, seed: 11 },
      ],
      (x, w) => {
        const loss = (input: tf.Tensor, kernel: tf.Tensor) =>
          tf
            .conv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, stride, pad)
            .square()
            .sum();
        return of === 'filter' ? tf.grad((k) => loss(x, k))(w) : tf.grad((input) => loss(input, w))(x);
      },
    );
    expect(worst).toBeLessThan(1e-4);
  });
});

describe('pooling and matrix gradients', () => {
  it.each([
    [[4, 28, 28, 6], 2, 2, 'valid'],
    [[3, 10, 10, 16], 2, 2, 'valid'],
    [[2, 9, 9, 3], 3, 3, 'valid'],
    [[2, 9, 9, 3], 3, 2, 'valid'],
    [[2, 8, 8, 2], 2, 1, 'valid'],
    [[2, 9, 9, 3], 2, 2, 'same'],
    [[2, 9, 9, 3], 2, 2, 'valid'],
  ] as [number[], number, number, 'valid' | 'same'][])('max-pool gradient: input %j, window %i, stride %i, %s', async (shape, size, stride, pad) => {
    const worst = await compare([{ shape, seed: 13 }], (x) =>
      tf.grad((input) =>
        tf
          .maxPool(input as tf.Tensor4D, size, stride, pad as 'valid' | 'same')
          .square()
          .sum(),
      )(x),
    );
    expect(worst).toBeLessThan(1e-5);
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('matMul with transposeA=%s, transposeB=%s', async (ta, tb) => {
    const a = ta ? [40, 30] : [30, 40];
    const b = tb ? [20, 40] : [40, 20];
    const worst = await compare(
      [
        { shape: a, seed: 17 },
        { shape: b, seed: 19 },
      ],
      (x, y) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, ta, tb),
    );
    expect(worst).toBeLessThan(1e-5);
  });

  it('dense-layer gradients (both transposed products)', async () => {
    const worst = await compare(
      [
        { shape: [50, 400], seed: 23 },
        { shape: [400, 120], seed: 29 },
      ],
      (x, w) => {
        const grads = tf.grads((input, kernel) =>
          tf
            .matMul(input as tf.Tensor2D, kernel as tf.Tensor2D)
            .relu()
            .square()
            .sum(),
        )([x, w]);
        return grads;
      },
    );
    expect(worst).toBeLessThan(1e-4);
  });
});

describe('copy-free Identity and Cast', () => {
  it('share the buffer, and it lives as long as any tensor holds it', async () => {
    const a = tf.tensor([1, 2, 3]);
    const b = a.clone();
    const c = tf.cast(a, 'float32');
    a.dispose();
    expect(await b.data()).toEqual(new Float32Array([1, 2, 3]));
    b.dispose();
    expect(await c.data()).toEqual(new Float32Array([1, 2, 3]));
    c.dispose();
    expect(Array.from(await tf.cast(tf.tensor([1.7, -2.2]), 'int32').data())).toEqual([1, -2]);
  });

  it('leak no tensors or bytes over repeated gradients', async () => {
    const x = tf.randomNormal([4, 12, 12, 3]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
    const grads = tf.grads((input, k) =>
      tf.maxPool(tf.conv2d(input as tf.Tensor4D, k as tf.Tensor4D, 1, 'same').relu() as tf.Tensor4D, 2, 2, 'valid').sum(),
    );
    tf.dispose(grads([x, w]));
    const before = tf.memory();
    for (let i = 0; i < 5; i++) tf.dispose(grads([x, w]));
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });
});
