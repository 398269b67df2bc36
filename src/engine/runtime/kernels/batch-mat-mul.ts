// BatchMatMul for tfjs-wasm: its transposed forms (the gradients of every Dense layer: dy·Wᵀ and xᵀ·dy)
// run about 10× slower than the plain product, so the operand is transposed first (a cheap copy) and
// the fast plain product does the work.
import type * as tf from '@tensorflow/tfjs';
import type { FastPath } from './runner.ts';

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** Swap the last two axes. */
const lastTwoSwapped = (rank: number) => [...Array(rank - 2).keys(), rank - 1, rank - 2];

/** Transposed forms: transpose first, then the plain product (this same kernel, which declines to wasm's). */
export const fastBatchMatMul: FastPath = ({ inputs, attrs }, run) => {
  const { transposeA, transposeB } = attrs as unknown as MatMulAttrs;
  if (!transposeA && !transposeB) return null;
  let { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const temporaries: tf.TensorInfo[] = [];
  if (transposeA) temporaries.push((a = run('Transpose', { x: a }, { perm: lastTwoSwapped(a.shape.length) })));
  if (transposeB) temporaries.push((b = run('Transpose', { x: b }, { perm: lastTwoSwapped(b.shape.length) })));
  const out = run('BatchMatMul', { a, b }, { ...attrs, transposeA: false, transposeB: false });
  run.dispose(...temporaries);
  return out;
};
