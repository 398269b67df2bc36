// A conv layer, its activation and its pool (or a dense layer and its activation, as a 1 × 1 convolution over
// a 1 × n image) as one op with its own gradient, on our WebAssembly SIMD kernels
// (wasm/kernels.ts: blockForward, blockBackward, convFilterGrad, conv). Forward is one pass per sample —
// convolution, bias, activation and pool while the sample is in cache — instead of tfjs's five ops and their
// trips through memory; backward is one pass for the pool's, the activation's and the bias's gradients, then
// the filter gradient and (for every block but the first) the input gradient as a full convolution.
//
// Each block owns a kernel instance (its own WebAssembly memory), where its forward leaves what its backward
// reads: nothing is copied back and forth between the two. A block serves one forward, then its backward, at
// a time — one training step's order; a second forward before the backward makes that backward throw.
import * as tf from '@tensorflow/tfjs';
import { chooseBuild, createSimdKernels, type SimdKernels } from './simd/module.ts';

export const BLOCK_ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid', 'elu'] as const;
export type BlockActivation = (typeof BLOCK_ACTIVATIONS)[number];

/** What a block computes besides its weights: stride-1 convolution, then activation, then a valid pool. */
export interface BlockConfig {
  padding: 'same' | 'valid';
  activation: BlockActivation;
  /** Square windows `size` wide, `stride` apart; null for no pool. */
  pool: { kind: 'max' | 'average'; size: number; stride: number } | null;
  /** Whether the input needs a gradient (not for the first block, whose input is the data). */
  inputGrad: boolean;
}

const ACTIVATION_CODE: Record<BlockActivation, number> = { linear: 0, relu: 1, tanh: 2, sigmoid: 3, elu: 4 };
const POOL_CODE = { none: 0, max: 1, average: 2 } as const;

/** Channels padded to whole pairs of vectors. */
const padded = (channels: number) => Math.ceil(channels / 8) * 8;

/** The parts of tfjs-wasm's backend that hand out views of its heap (absent on other backends). */
interface WasmHeap {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/** A tensor's values without a copy where the backend allows it. */
function values(t: tf.Tensor): Float32Array {
  const heap = tf.backend() as unknown as Partial<WasmHeap>;
  return heap.typedArrayFromHeap ? heap.typedArrayFromHeap(t) : (t.dataSync() as Float32Array);
}

/** Every size a block's forward and backward need, in the order they are laid out. */
function layout(x: number[], kernel: number[], config: BlockConfig, k: SimdKernels) {
  const [n, h, w, ci] = x;
  const [kh, kw, , co] = kernel;
  const info = tf.backend_util.computeConv2DInfo(
    x as [number, number, number, number],
    kernel as [number, number, number, number],
    1,
    1,
    config.padding,
  );
  const { top, bottom, left, right } = info.padInfo;
  const { outHeight: oh, outWidth: ow } = info;
  const pool = config.pool;
  const ph = pool ? Math.floor((oh - pool.size) / pool.stride) + 1 : oh;
  const pw = pool ? Math.floor((ow - pool.size) / pool.stride) + 1 : ow;
  const cp = padded(co);
  const cip = padded(ci);
  const hp = h + top + bottom;
  const wp = w + left + right;
  const dims = { n, h, w, ci, kh, kw, co, oh, ow, ph, pw, cp, cip, hp, wp, top, bottom, left, right };
  const f = 4;
  const forward = [
    n * h * w * ci,
    n * hp * wp * ci,
    kh * kw * ci * cp,
    cp,
    n * oh * ow * cp,
    n * ph * pw * cp,
    n * ph * pw * co,
    kh * kw * ci * co + co,
  ].map((s) => s * f);
  // The scratch serves blockBackward (cp floats) and then convFilterGrad (its tile totals).
  const scratch = Math.max(cp, k.exports.filterGradAccBytes(kh, kw, ci, cp) / f);
  const backward = [n * ph * pw * co, n * ph * pw * cp, n * oh * ow * cp, cp, scratch, kh * kw * ci * cp, kh * kw * ci * co];
  const input = config.inputGrad ? [n * (h + kh - 1) * (w + kw - 1) * cp, kh * kw * cp * cip, cip, n * h * w * cip, n * h * w * ci] : [];
  return { dims, forward, backward: [...backward, ...input].map((s) => s * f) };
}

export class ConvBlock {
  private generation = 0;

  constructor(
    readonly config: BlockConfig,
    private readonly k: SimdKernels = createSimdKernels(chooseBuild()),
  ) {}

  /** Bytes of the block's own WebAssembly memory (it grows to the largest batch seen, then stays). */
  memoryBytes(): number {
    return this.k.exports.memory.buffer.byteLength;
  }

  /** The pooled output of act(conv(x, kernel) + bias), with gradients for kernel, bias and (if asked) x. */
  apply(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor4D;
  /** A dense layer: x [n, k] as a 1 × n image of k channels, kernel [k, m] as a 1 × 1 filter; y [n, m]. */
  apply(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D;
  apply(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor1D): tf.Tensor {
    const op = tf.customGrad((...args: (tf.Tensor | ((saved: tf.Tensor[]) => void))[]) => {
      const [input, filter, b] = args as tf.Tensor[];
      const { output, backward } = this.forward(input, filter, b);
      return { value: output, gradFunc: (dy: tf.Tensor) => backward(dy) };
    });
    return op(x, kernel, bias);
  }

  private forward(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): { output: tf.Tensor; backward: (dy: tf.Tensor) => tf.Tensor[] } {
    const { k, config } = this;
    const dense = x.rank === 2;
    const sizes = layout(dense ? [1, 1, ...x.shape] : x.shape, dense ? [1, 1, ...kernel.shape] : kernel.shape, config, k);
    const d = sizes.dims;
    const [xAt, xpAt, wAt, bAt, aAt, pAt, outAt, stageAt] = k.reserve(...sizes.forward);
    // Unpadded (valid padding, every dense layer), the input goes straight where the kernels read it.
    const unpadded = d.hp === d.h && d.wp === d.w;
    k.floats(unpadded ? xpAt : xAt, d.n * d.h * d.w * d.ci).set(values(x));
    if (!unpadded) k.exports.pad(xAt, xpAt, d.n, d.h, d.w, d.ci, d.top, d.bottom, d.left, d.right);
    k.floats(stageAt, d.kh * d.kw * d.ci * d.co).set(values(kernel));
    k.exports.restride(stageAt, wAt, d.kh * d.kw * d.ci, d.co, d.cp);
    k.floats(stageAt, d.co).set(values(bias));
    k.exports.restride(stageAt, bAt, 1, d.co, d.cp);
    const pool = config.pool;
    const poolCode = POOL_CODE[pool?.kind ?? 'none'];
    const [size, stride] = [pool?.size ?? 1, pool?.stride ?? 1];
    const act = ACTIVATION_CODE[config.activation];
    k.exports.blockForward(
      xpAt,
      wAt,
      bAt,
      aAt,
      pAt,
      d.n,
      d.hp,
      d.wp,
      d.ci,
      d.oh,
      d.ow,
      d.cp,
      d.kh,
      d.kw,
      act,
      poolCode,
      size,
      stride,
      d.ph,
      d.pw,
      d.top,
      d.top + d.h,
    );
    k.exports.restride(pool ? pAt : aAt, outAt, d.n * d.ph * d.pw, d.cp, d.co);
    const output = tf.tensor(k.floats(outAt, d.n * d.ph * d.pw * d.co), dense ? [d.w, d.co] : [d.n, d.ph, d.pw, d.co]);
    const generation = ++this.generation;

    const backward = (dy: tf.Tensor): tf.Tensor[] => {
      if (generation !== this.generation) throw new Error('a conv block ran forward again before its backward');
      const all = k.reserve(...sizes.forward, ...sizes.backward);
      const [dpcAt, dpAt, dzAt, dbAt, scratchAt, dwpAt, dwAt, dzpAt, w2At, zeroAt, dxpAt, dxAt] = all.slice(sizes.forward.length);
      k.floats(dpcAt, d.n * d.ph * d.pw * d.co).set(values(dy));
      k.exports.restride(dpcAt, pool ? dpAt : dzAt, d.n * d.ph * d.pw, d.co, d.cp);
      k.exports.blockBackward(aAt, pAt, dpAt, dzAt, dbAt, d.n, d.oh, d.ow, d.cp, act, poolCode, size, stride, d.ph, d.pw, scratchAt);
      k.exports.convFilterGrad(xpAt, dzAt, dwpAt, d.n, d.hp, d.wp, d.ci, d.oh, d.ow, d.cp, d.kh, d.kw, 1, 1, scratchAt);
      k.exports.restride(dwpAt, dwAt, d.kh * d.kw * d.ci, d.cp, d.co);
      const dw = tf.tensor(k.floats(dwAt, d.kh * d.kw * d.ci * d.co), kernel.shape);
      const db = tf.tensor1d(k.floats(dbAt, d.co));
      if (!config.inputGrad) return [tf.zeros(x.shape), dw, db];
      // dx: the full convolution of dz with the filter turned half a turn and its channels swapped.
      const { kh, kw, ci, co, cp, cip } = d;
      k.exports.pad(dzAt, dzpAt, d.n, d.oh, d.ow, cp, kh - 1 - d.top, kh - 1 - d.bottom, kw - 1 - d.left, kw - 1 - d.right);
      // From the packed filter this forward used (still in its buffer).
      k.exports.flipFilter(wAt, w2At, kh, kw, ci, co, cp, cip);
      k.floats(zeroAt, cip).fill(0);
      k.exports.conv(dzpAt, w2At, zeroAt, dxpAt, d.n, d.h + kh - 1, d.w + kw - 1, cp, d.h, d.w, cip, kh, kw, kh - 1 - d.top, kh - 1 - d.top + d.oh);
      k.exports.restride(dxpAt, dxAt, d.n * d.h * d.w, cip, ci);
      return [tf.tensor(k.floats(dxAt, d.n * d.h * d.w * ci), x.shape), dw, db];
    };
    return { output, backward };
  }
}
