import { beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend, tf } from '../runtime/backend.ts';
import { type Dataset, limitSplit, loadDataset } from '../data/dataset.ts';
import { createModel, createOptimizer } from '../model/model.ts';
import { defaultSpec, type ModelSpec } from '../../shared/spec.ts';
import type { Stepper } from './step/stepper.ts';
import { runEpochs, train } from './train.ts';
import { WARMUP_BATCHES } from './eta.ts';

let mnist: Dataset;
const small = () => ({ train: limitSplit(mnist.train, 1000), test: limitSplit(mnist.test, 200) });
const spec = (change: Partial<ModelSpec> = {}): ModelSpec => ({ ...defaultSpec(), batchSize: 100, epochs: 3, ...change });

beforeAll(async () => {
  await initBackend({ want: 'wasm' });
  mnist = await loadDataset();
});

async function weightsOf(model: tf.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
}

describe('training', () => {
  it('lowers the loss on a small subset and keeps the tensor count flat across epochs', async () => {
    const s = spec();
    const model = createModel(s);
    const optimizer = createOptimizer(s);
    const counts: number[] = [];
    const result = await train(model, optimizer, small(), s, { onEpochEnd: () => void counts.push(tf.memory().numTensors) });
    const [first, , last] = result.history;
    expect(last.loss).toBeLessThan(first.loss * 0.8);
    expect(last.valAccuracy).toBeGreaterThan(0.6);
    expect(counts[2]).toBe(counts[1]);
    model.dispose();
    optimizer.dispose();
  });

  it('gives the same weights for the same seed, and others for another seed', async () => {
    const run = async (seed: number) => {
      const s = spec({ epochs: 1, seed });
      const model = createModel(s);
      await train(model, createOptimizer(s), small(), s);
      const w = await weightsOf(model);
      model.dispose();
      return w;
    };
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(c[0]);
  });

  it('stops within one batch and keeps the weights of the last finished batch', async () => {
    const s = spec({ epochs: 2 });
    const model = createModel(s);
    const signal = { aborted: false };
    let batches = 0;
    let afterLastBatch: Float32Array[] = [];
    const result = await train(model, createOptimizer(s), small(), s, {
      signal,
      onBatchEnd: async () => {
        batches++;
        afterLastBatch = await weightsOf(model);
        if (batches === 3) signal.aborted = true;
      },
    });
    expect(result).toMatchObject({ stopped: true, epochsDone: 0 });
    expect(batches).toBe(3);
    expect(await weightsOf(model)).toEqual(afterLastBatch);
    model.dispose();
  });

  it('trains the variants: tanh, average pooling, dropout, sgd and rmsprop', async () => {
    for (const change of [
      { activation: 'tanh' },
      { dropout: 0.3, optimizer: 'sgd', learningRate: 0.1 },
      { optimizer: 'rmsprop' },
    ] as Partial<ModelSpec>[]) {
      const s = spec({ epochs: 1, ...change });
      s.conv[1].pool = 'average';
      const model = createModel(s);
      const result = await train(model, createOptimizer(s), small(), s);
      expect(Number.isFinite(result.history[0].loss)).toBe(true);
      expect(result.history[0].valAccuracy).toBeGreaterThan(0.2);
      model.dispose();
    }
  });

  it('estimates the time left from the batches after warm-up, within 20% of the truth', async () => {
    // A fake clock, moved by the stand-in step alone: a busy machine cannot change what the loop measures.
    vi.useFakeTimers({ toFake: ['performance'] });
    // A stand-in for the real step: slow at first (compilation, replicas starting), then steady.
    let steps = 0;
    const stepper: Stepper = {
      step: async () => (vi.advanceTimersByTime(steps++ === 0 ? 800 : 30), [1, 0]),
      dispose: async () => undefined,
    };
    const s = spec({ batchSize: 20, epochs: 3 });
    const model = createModel(s);
    const data = { train: limitSplit(mnist.train, 200), test: limitSplit(mnist.test, 50) };
    const seen: { eta: number | null; at: number }[] = [];
    try {
      await runEpochs(stepper, model, data, s, { onBatchEnd: (p) => void seen.push({ eta: p.etaSeconds, at: performance.now() }) });
    } finally {
      vi.useRealTimers();
    }
    const end = seen.at(-1)!.at;
    expect(seen).toHaveLength(30);
    expect(seen.slice(0, WARMUP_BATCHES).map((b) => b.eta)).toEqual([null, null, null]);
    const checked = seen.slice(WARMUP_BATCHES).filter((b) => (end - b.at) / 1000 > 0.3);
    expect(checked.length).toBeGreaterThan(10);
    for (const { eta, at } of checked) {
      const truth = (end - at) / 1000;
      expect(eta, `at ${truth.toFixed(2)} s before the end`).not.toBeNull();
      expect(Math.abs(eta! - truth) / truth, `estimated ${eta!.toFixed(2)} s at ${truth.toFixed(2)} s before the end`).toBeLessThan(0.2);
    }
    model.dispose();
  });
});
