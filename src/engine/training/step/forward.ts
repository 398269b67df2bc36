// The model's forward pass for training. On the wasm fallback, each conv layer with the pool after it, and
// each dense layer, runs as one ConvBlock (our fused SIMD kernels, with their own gradient); every other
// layer — and any layer the blocks do not cover — runs as tfjs-layers runs it. Elsewhere (native
// TensorFlow, cpu), model.apply.
import { stockKernels, tf } from '../../runtime/backend.ts';
import { BLOCK_ACTIVATIONS, type BlockActivation, type BlockConfig, ConvBlock } from '../../runtime/kernels/conv-block.ts';

/** $DIGIT_STUDIO_STOCK_KERNELS=ConvBlock trains with tfjs's own ops instead (for A/B runs and bug hunts). */
export const CONV_BLOCK = 'ConvBlock';

interface ConvConfig {
  strides: number[];
  dilationRate: number | number[];
  padding: string;
  dataFormat: string;
  useBias: boolean;
  activation: string;
}

interface PoolConfig {
  poolSize: number[];
  strides: number[];
  padding: string;
}

const ones = (v: number | number[]) => (Array.isArray(v) ? v : [v]).every((x) => x === 1);
const square = ([a, b]: number[]) => (a === b ? a : null);

/** The block for `conv` (and `next`, if it is the pool that follows), or null where the blocks do not apply. */
function blockConfig(conv: tf.layers.Layer, next: tf.layers.Layer | undefined, inputGrad: boolean): BlockConfig | null {
  const c = conv.getConfig() as unknown as ConvConfig;
  if (!ones(c.strides) || !ones(c.dilationRate) || c.dataFormat !== 'channelsLast' || !c.useBias) return null;
  if (c.padding !== 'same' && c.padding !== 'valid') return null;
  if (!(BLOCK_ACTIVATIONS as readonly string[]).includes(c.activation)) return null;
  const base = { padding: c.padding as 'same' | 'valid', activation: c.activation as BlockActivation, inputGrad };
  const kind = next?.getClassName() === 'MaxPooling2D' ? 'max' : next?.getClassName() === 'AveragePooling2D' ? 'average' : null;
  if (!kind) return { ...base, pool: null };
  const p = next!.getConfig() as unknown as PoolConfig;
  const size = square(p.poolSize);
  const stride = square(p.strides);
  // A pool the blocks do not cover runs on its own after a block without one.
  if (p.padding !== 'valid' || size === null || stride === null) return { ...base, pool: null };
  return { ...base, pool: { kind, size, stride } };
}

interface DenseConfig {
  activation: string;
  useBias: boolean;
}

/**
 * A dense layer as a block: x [n, k] is a 1 × n image of k channels and the kernel [k, m] a 1 × 1 filter, so
 * the same kernels compute x·W + b, its activation and gradients. Softmax runs after a linear block.
 */
function denseConfig(dense: tf.layers.Layer, inputGrad: boolean): BlockConfig | null {
  const c = dense.getConfig() as unknown as DenseConfig;
  if (!c.useBias) return null;
  const activation = c.activation === 'softmax' ? 'linear' : c.activation;
  if (!(BLOCK_ACTIVATIONS as readonly string[]).includes(activation)) return null;
  return { padding: 'valid', activation: activation as BlockActivation, pool: null, inputGrad };
}

function applyDense(b: ConvBlock, layer: tf.layers.Layer, h: tf.Tensor2D): tf.Tensor {
  const [kernel, bias] = layer.getWeights(true);
  const y = b.apply(h, kernel as tf.Tensor2D, bias as tf.Tensor1D);
  return (layer.getConfig() as unknown as DenseConfig).activation === 'softmax' ? tf.softmax(y) : y;
}

/** One model's blocks, made once per model and thread (each holds its own kernel memory). */
const blocksOf = new WeakMap<tf.LayersModel, Map<tf.layers.Layer, ConvBlock>>();

function block(model: tf.LayersModel, layer: tf.layers.Layer, config: BlockConfig): ConvBlock {
  let blocks = blocksOf.get(model);
  if (!blocks) blocksOf.set(model, (blocks = new Map()));
  let found = blocks.get(layer);
  if (!found || JSON.stringify(found.config) !== JSON.stringify(config)) blocks.set(layer, (found = new ConvBlock(config)));
  return found;
}

/** Whether training runs through the blocks on this backend. */
export function usesConvBlocks(): boolean {
  return tf.getBackend() === 'wasm' && !stockKernels().has(CONV_BLOCK);
}

/** The model's output for `xs` in training mode. */
export function trainingForward(model: tf.LayersModel, xs: tf.Tensor): tf.Tensor {
  if (!usesConvBlocks()) return model.apply(xs, { training: true }) as tf.Tensor;
  const layers = model.layers;
  let h = xs;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    if (layer.getClassName() === 'InputLayer') continue;
    if (layer.getClassName() === 'Dense' && h.rank === 2) {
      const config = denseConfig(layer, h !== xs);
      if (config) {
        h = applyDense(block(model, layer, config), layer, h as tf.Tensor2D);
        continue;
      }
    }
    const config = layer.getClassName() === 'Conv2D' ? blockConfig(layer, layers[i + 1], h !== xs) : null;
    if (!config) {
      h = layer.apply(h, { training: true }) as tf.Tensor;
      continue;
    }
    const [kernel, bias] = layer.getWeights(true);
    h = block(model, layer, config).apply(h as tf.Tensor4D, kernel as tf.Tensor4D, bias as tf.Tensor1D);
    if (config.pool) i++;
  }
  return h;
}
