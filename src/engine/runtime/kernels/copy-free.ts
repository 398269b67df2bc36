// Identity and same-type Cast for tfjs-wasm without a copy. tfjs clones every tensor a gradient will need
// (Identity) and ReLU's gradient casts float32 to float32; wasm copies the buffer each time (~0.5 ms per
// LeNet activation). Like the cpu backend, these share the buffer and count one more reference to it.
import type * as tf from '@tensorflow/tfjs';
import type { FastPath } from './runner.ts';

interface RefCounted {
  incRef(dataId: object): void;
}

function share(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  (backend as RefCounted).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const fastIdentity: FastPath = ({ inputs, backend }) => {
  const { x } = inputs as { x: tf.TensorInfo };
  return x.dtype === 'string' ? null : share(x, backend);
};

export const fastCast: FastPath = ({ inputs, attrs, backend }) => {
  const { x } = inputs as { x: tf.TensorInfo };
  return (attrs as { dtype: string }).dtype === x.dtype && x.dtype !== 'string' ? share(x, backend) : null;
};
