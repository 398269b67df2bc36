// BatchMatMul for tfjs-wasm: its transposed forms (the gradients of every Dense layer: dy·Wᵀ and xᵀ·dy)
// run about 10× slower than the plain product, so the operand is transposed first (a cheap copy) and
// the fast plain product does the work.
import * as tf from '@tensorflow/tfjs';
import { kernelRunner } from './runner.ts';

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** Swap the last two axes. */
const lastTwoSwapped = (rank: number) => [...Array(rank - 2).keys(), rank - 1, rank - 2];

export function batchMatMulConfig(backendName: string, original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: 'BatchMatMul',
    backendName,
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { transposeA, transposeB } = args.attrs as unknown as MatMulAttrs;
      if (!transposeA && !transposeB) return original.kernelFunc(args);
      const run = kernelRunner(backendName, args.backend as tf.KernelBackend);
      let { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const temporaries: tf.TensorInfo[] = [];
      if (transposeA) temporaries.push((a = run('Transpose', { x: a }, { perm: lastTwoSwapped(a.shape.length) })));
      if (transposeB) temporaries.push((b = run('Transpose', { x: b }, { perm: lastTwoSwapped(b.shape.length) })));
      const out = original.kernelFunc({ ...args, inputs: { a, b }, attrs: { ...args.attrs, transposeA: false, transposeB: false } }) as tf.TensorInfo;
      run.dispose(...temporaries);
      return out;
    },
  };
}
