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

export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The attributes every tfjs convolution and pooling kernel carries. */
export interface WindowAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** A faster form of a kernel: its result, or null where it does not apply. */
export type FastPath = (args: KernelArgs, run: KernelRunner) => tf.TensorInfo | null;

/** `original`, but trying `fast` first; the original runs wherever the fast path declines. */
export function withFastPath(original: tf.KernelConfig, fast: FastPath): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: (args) => fast(args, kernelRunner(original.backendName, args.backend as tf.KernelBackend)) ?? original.kernelFunc(args),
  };
}

/** Padding on each side of a 2-D image. */
export interface Pads {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** A stride-1 NHWC convolution with explicit padding (and optional filter dilation) on the backend's Conv2D. */
export function paddedConv(
  run: KernelRunner,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  { top, bottom, left, right }: Pads,
  dilations: number | [number, number] = 1,
): tf.TensorInfo {
  const pad = [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
  return run('Conv2D', { x, filter }, { strides: 1, dilations, pad, dataFormat: 'NHWC' });
}
