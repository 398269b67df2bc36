// Conv2DBackpropInput for tfjs-wasm written as one forward convolution (XNNPACK), which is ~4× faster
// than wasm's own loop for LeNet's second layer. For stride 1, the input gradient is the "full"
// correlation of dy with the filter flipped in space and with its channel axes swapped:
//   dx[n,y,x,ci] = Σ_{kh,kw,co} dy[n, y+pt−kh, x+pl−kw, co] · W[kh,kw,ci,co]
// Strides and dilations other than 1 go to the backend's own kernel.
import * as tf from '@tensorflow/tfjs';
import { type FastPath, type KernelRunner, paddedConv, type WindowAttrs } from './runner.ts';

interface BackpropInputAttrs extends WindowAttrs {
  dataFormat: 'NHWC' | 'NCHW';
  inputShape: [number, number, number, number];
}

/** Whether the fast form applies: stride 1, NHWC. */
export function isUnitStride(attrs: BackpropInputAttrs): boolean {
  const [sh, sw] = typeof attrs.strides === 'number' ? [attrs.strides, attrs.strides] : attrs.strides;
  return sh === 1 && sw === 1 && attrs.dataFormat !== 'NCHW';
}

export function conv2dBackpropInput(run: KernelRunner, dy: tf.TensorInfo, filter: tf.TensorInfo, attrs: BackpropInputAttrs): tf.TensorInfo {
  const [kh, kw] = filter.shape;
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    1,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [, inHeight, inWidth] = attrs.inputShape;
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const bottom = inHeight - info.outHeight + kh - 1 - top;
  const right = inWidth - info.outWidth + kw - 1 - left;
  const flipped = run('Reverse', { x: filter }, { dims: [0, 1] });
  const swapped = run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
  run.dispose(flipped);
  const dx = paddedConv(run, dy, swapped, { top, bottom, left, right });
  run.dispose(swapped);
  return dx;
}

/** The fast path: stride 1, NHWC; anything else declines to the backend's own kernel. */
export const fastConv2dBackpropInput: FastPath = ({ inputs, attrs }, run) => {
  const a = attrs as unknown as BackpropInputAttrs;
  if (!isUnitStride(a)) return null;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  return conv2dBackpropInput(run, dy, filter, a);
};
