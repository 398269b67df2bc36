// The training forward pass: on wasm every layer the blocks cover runs as a block, and a step's gradients
// equal those of tfjs's own layers on the cpu backend for the notebook's model and every one of its variants.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../runtime/backend.ts';
import { limitSplit, loadDataset, type Split } from '../../data/dataset.ts';
import { createModel } from '../../model/model.ts';
import { BASELINE, VARIANTS } from '../../../shared/presets.ts';
import { defaultSpec, type ModelSpec } from '../../../shared/spec.ts';
import { shareGradients } from './gradients.ts';
import { trainingForward, usesConvBlocks } from './forward.ts';

let train: Split;
const indices = Uint32Array.from({ length: 12 }, (_, i) => i);

beforeAll(async () => {
  expect(await initBackend({ want: 'wasm' })).toBe('wasm');
  train = limitSplit((await loadDataset()).train, 12);
});

afterEach(async () => {
  delete process.env.DIGIT_STUDIO_STOCK_KERNELS;
  await tf.setBackend('wasm');
});

/** Largest difference relative to the largest reference value. */
function relative(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  return worst / scale;
}

async function gradients(backend: string, model: () => tf.LayersModel) {
  await tf.setBackend(backend);
  const m = model();
  const { grads, loss } = shareGradients(m, train, indices);
  const values = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array));
  tf.dispose(grads);
  m.dispose();
  return { values, loss };
}

/** Names of the kernels one training forward pass runs. */
async function kernelsOf(model: tf.LayersModel): Promise<string[]> {
  const xs = tf.zeros([2, 28, 28, 1]);
  const profile = await tf.profile(() => trainingForward(model, xs));
  xs.dispose();
  return profile.kernels.map((k) => k.name);
}

describe('trainingForward', () => {
  it.each([BASELINE, ...VARIANTS].map((p) => [p.name, p.apply(defaultSpec())] as [string, ModelSpec]))(
    '%s: a step through the blocks on wasm has the gradients and loss of tfjs layers on cpu',
    async (_, spec) => {
      const cpu = await gradients('cpu', () => createModel(spec));
      const wasm = await gradients('wasm', () => createModel(spec));
      expect(wasm.loss).toBeCloseTo(cpu.loss, 5);
      expect(wasm.values).toHaveLength(cpu.values.length);
      wasm.values.forEach((g, k) => expect(relative(g, cpu.values[k]), `weight ${k}`).toBeLessThan(1e-4));
    },
  );

  it('runs no tfjs convolution, pool or matmul on wasm, and tfjs layers elsewhere or when asked', async () => {
    const model = createModel(defaultSpec());
    expect(usesConvBlocks()).toBe(true);
    const blocks = await kernelsOf(model);
    expect(blocks.filter((name) => /Conv2D|MaxPool|MatMul/.test(name))).toEqual([]);
    process.env.DIGIT_STUDIO_STOCK_KERNELS = 'ConvBlock';
    expect(usesConvBlocks()).toBe(false);
    const layers = await kernelsOf(model);
    // Outside a gradient tape tfjs fuses bias and activation into the convolution (FusedConv2D).
    expect(layers.filter((name) => /Conv2D/.test(name))).toHaveLength(2);
    expect(layers.filter((name) => name === 'MaxPool')).toHaveLength(2);
    delete process.env.DIGIT_STUDIO_STOCK_KERNELS;
    await tf.setBackend('cpu');
    expect(usesConvBlocks()).toBe(false);
    await tf.setBackend('wasm');
    model.dispose();
  });

  it('leaves a layer the blocks do not cover (a strided conv, a pool with gaps of its own) to tfjs, with the same gradients', async () => {
    const build = () => {
      const model = tf.sequential();
      model.add(
        tf.layers.conv2d({
          inputShape: [28, 28, 1],
          filters: 4,
          kernelSize: 3,
          strides: 2,
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        }),
      );
      model.add(tf.layers.conv2d({ filters: 5, kernelSize: 3, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
      model.add(tf.layers.maxPooling2d({ poolSize: [2, 3], strides: 2 }));
      model.add(tf.layers.flatten());
      model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
      return model;
    };
    const model = build();
    const kernels = await kernelsOf(model);
    // The strided conv and the non-square pool run as tfjs kernels; the second conv and the dense as blocks.
    expect(kernels.filter((name) => /Conv2D/.test(name))).toHaveLength(1);
    expect(kernels).toContain('MaxPool');
    expect(kernels.filter((name) => /MatMul/.test(name))).toEqual([]);
    model.dispose();
    const cpu = await gradients('cpu', build);
    const wasm = await gradients('wasm', build);
    wasm.values.forEach((g, k) => expect(relative(g, cpu.values[k]), `weight ${k}`).toBeLessThan(1e-4));
  });
});
