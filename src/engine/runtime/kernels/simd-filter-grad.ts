// Conv2DBackpropFilter in our own WebAssembly SIMD (wasm/kernels.ts: convFilterGrad): the filter gradient
// summed directly from the input and the output gradient, with no transposes and none of the filter
// packing XNNPACK does at every step when the "filter" is the fresh output gradient. NHWC, any kernel
// size, stride and padding; dilated convolutions (never built by the studio) decline to the other path.
import * as tf from '@tensorflow/tfjs';
import type { FastPath, WindowAttrs } from './runner.ts';
import { type SimdKernels, simdKernels } from './simd/module.ts';

/** The parts of tfjs-wasm's backend that hand out views of its heap. */
interface WasmHeap {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

interface BackpropFilterAttrs extends WindowAttrs {
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  filterShape: [number, number, number, number];
}

/** dW [kh, kw, ci, co] of a stride-s convolution of x [n, h, w, ci], given dy [n, oh, ow, co]. */
export function filterGradient(x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo, k: SimdKernels = simdKernels()): Float32Array {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, bottom, left, right } = info.padInfo;
  const hp = h + top + bottom;
  const wp = w + left + right;
  const [xAt, xpAt, dyAt, dwAt, accAt] = k.reserve(
    x.length * 4,
    n * hp * wp * ci * 4,
    dy.length * 4,
    kh * kw * ci * co * 4,
    k.exports.filterGradAccBytes(kh, kw, ci, co),
  );
  k.floats(xAt, x.length).set(x);
  k.floats(dyAt, dy.length).set(dy);
  k.exports.pad(xAt, xpAt, n, h, w, ci, top, bottom, left, right);
  k.exports.convFilterGrad(xpAt, dyAt, dwAt, n, hp, wp, ci, oh, ow, co, kh, kw, sh, sw, accAt);
  return k.floats(dwAt, kh * kw * ci * co);
}

/** The fast path: tfjs-wasm's heap in, our kernel, tfjs-wasm's heap out. */
export const simdConv2dBackpropFilter: FastPath = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as BackpropFilterAttrs;
  if (a.dataFormat === 'NCHW' || x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const dilations = a.dilations ?? 1;
  if (dilations !== 1 && !(Array.isArray(dilations) && dilations[0] === 1 && dilations[1] === 1)) return null;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode);
  const heap = backend as unknown as WasmHeap;
  const dw = filterGradient(heap.typedArrayFromHeap(x), heap.typedArrayFromHeap(dy), info);
  const out = heap.makeOutput(a.filterShape, 'float32');
  heap.typedArrayFromHeap(out).set(dw);
  return out;
};
