// Conv2DBackpropFilter for tfjs-wasm, which lacks it, written as one forward convolution.
// dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s+kh−pt, ow·s+kw−pl, ci] · dy[n,oh,ow,co]: read x with batch and
// channels swapped ([ci,h,w,n]) and dy as a filter ([oh,ow,n,co]) dilated by the stride, and the sum is a
// convolution whose "batch" is ci and whose output pixels are (kh,kw).
import * as tf from '@tensorflow/tfjs';
import { type KernelRunner, kernelRunner, paddedConv, type WindowAttrs } from './runner.ts';

interface BackpropFilterAttrs extends WindowAttrs {
  dataFormat: 'NHWC' | 'NCHW';
  filterShape: [number, number, number, number];
}

/** Compute the filter gradient of a 2-D convolution with the backend's own Conv2D and Transpose. */
export function conv2dBackpropFilter(run: KernelRunner, x: tf.TensorInfo, dy: tf.TensorInfo, attrs: BackpropFilterAttrs): tf.TensorInfo {
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter: only NHWC is supported');
  const [kh, kw, inChannels, outChannels] = attrs.filterShape;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { top, bottom, left, right } = info.padInfo;
  const xT = run('Transpose', { x }, { perm: [3, 1, 2, 0] });
  const dyT = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const full = paddedConv(run, xT, dyT, { top, bottom, left, right }, [info.strideHeight, info.strideWidth]);
  run.dispose(xT, dyT);
  // A stride that does not divide the padded input evenly leaves extra rows/columns past the kernel.
  let cropped = full;
  if (full.shape[1] !== kh || full.shape[2] !== kw) {
    cropped = run('Slice', { x: full }, { begin: [0, 0, 0, 0], size: [inChannels, kh, kw, outChannels] });
    run.dispose(full);
  }
  const dw = run('Transpose', { x: cropped }, { perm: [1, 2, 0, 3] });
  run.dispose(cropped);
  return dw;
}

/** The kernel config to register for `backendName`. */
export function conv2dBackpropFilterConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      return conv2dBackpropFilter(kernelRunner(backendName, backend as tf.KernelBackend), x, dy, attrs as unknown as BackpropFilterAttrs);
    },
  };
}
