// Calls a backend's own kernels from inside a custom kernel, off the gradient tape.
import * as tf from '@tensorflow/tfjs';

export interface KernelRunner {
  (kernelName: string, inputs: Record<string, tf.TensorInfo>, attrs?: Record<string, unknown>): tf.TensorInfo;
  /** Free intermediate results that the custom kernel does not return. */
  dispose(...infos: tf.TensorInfo[]): void;
}

/** A runner bound to `backend`, whose kernels are those registered under `backendName`. */
export function kernelRunner(backendName: string, backend: tf.KernelBackend): KernelRunner {
  const run = ((kernelName, inputs, attrs = {}) => {
    const kernel = tf.getKernel(kernelName, backendName);
    if (!kernel) throw new Error(`${backendName} backend has no ${kernelName} kernel`);
    return kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
  }) as KernelRunner;
  run.dispose = (...infos) => infos.forEach((info) => backend.disposeData(info.dataId));
  return run;
}
