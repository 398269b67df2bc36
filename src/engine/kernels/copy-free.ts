// Identity and same-type Cast for tfjs-wasm without a copy. tfjs clones every tensor a gradient will need
// (Identity) and ReLU's gradient casts float32 to float32; wasm copies the buffer each time (~0.5 ms per
// LeNet activation). Like the cpu backend, these share the buffer and count one more reference to it.
import type * as tf from '@tensorflow/tfjs';

interface RefCounted {
  incRef(dataId: object): void;
}

function share(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  (backend as RefCounted).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export function identityConfig(backendName: string, original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: 'Identity',
    backendName,
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      return x.dtype === 'string' ? original.kernelFunc(args) : share(x, args.backend);
    },
  };
}

export function castConfig(backendName: string, original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: 'Cast',
    backendName,
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      return (args.attrs as { dtype: string }).dtype === x.dtype && x.dtype !== 'string' ? share(x, args.backend) : original.kernelFunc(args);
    },
  };
}
