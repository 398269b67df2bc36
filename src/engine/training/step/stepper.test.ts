import type { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend, tf } from '../../runtime/backend.ts';
import { limitSplit, loadDataset, type Split } from '../../data/dataset.ts';
import { createModel, createOptimizer } from '../../model/model.ts';
import { defaultSpec } from '../../../shared/spec.ts';
import { localStepper, parallelStepper, shares, type Stepper } from './stepper.ts';

// Every worker the steppers start, so that a test can kill one mid-step.
const started = vi.hoisted(() => [] as Worker[]);
vi.mock('../../runtime/workers.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../runtime/workers.ts')>();
  return { ...real, spawnWorker: (...args: Parameters<typeof real.spawnWorker>) => started[started.push(real.spawnWorker(...args)) - 1] };
});

let split: Split;
beforeAll(async () => {
  await initBackend({ want: 'wasm' });
  split = limitSplit((await loadDataset()).train, 1000);
});

const spec = { ...defaultSpec(), seed: 3 };
const batch = (start: number, size = 200) => Uint32Array.from({ length: size }, (_, i) => start + i);

async function weights(model: tf.LayersModel): Promise<Float32Array> {
  const parts = await Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>));
  return Float32Array.from(parts.flatMap((p) => Array.from(p)));
}

async function afterSteps(make: (model: tf.LayersModel, optimizer: tf.Optimizer) => Stepper, batches: Uint32Array[]) {
  const model = createModel(spec);
  const optimizer = createOptimizer(spec);
  const stepper = make(model, optimizer);
  const results: [number, number][] = [];
  for (const b of batches) results.push(await stepper.step(b));
  await stepper.dispose();
  const w = await weights(model);
  model.dispose();
  optimizer.dispose();
  return { results, weights: w };
}

describe('data-parallel training step', () => {
  it('cuts a batch into contiguous, nearly equal shares', () => {
    expect(shares(batch(0, 7), 2).map((s) => Array.from(s))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6],
    ]);
    expect(shares(batch(0, 2), 3).map((s) => s.length)).toEqual([1, 1]);
  });

  it.each([1, 2])('with %i replica(s) matches the single-thread step on the same batches', async (helpers) => {
    const batches = [batch(0), batch(200, 199), batch(400)];
    const local = await afterSteps((m, o) => localStepper(m, o, split), batches);
    const parallel = await afterSteps((m, o) => parallelStepper(m, o, split, helpers), batches);
    parallel.results.forEach(([loss, correct], i) => {
      expect(loss).toBeCloseTo(local.results[i][0], 5);
      expect(correct).toBe(local.results[i][1]);
    });
    const largestDifference = (a: Float32Array, b: Float32Array) => a.reduce((worst, w, i) => Math.max(worst, Math.abs(w - b[i])), 0);
    // Same maths, another summation order: float noise only…
    expect(largestDifference(local.weights, parallel.weights)).toBeLessThan(1e-5);
    // …while the three steps moved the weights far more than that, so the agreement is not that of two idle steppers.
    const initial = createModel(spec);
    expect(largestDifference(await weights(initial), parallel.weights)).toBeGreaterThan(1e-3);
    initial.dispose();
  });

  it('keeps tensors and memory flat over many steps', async () => {
    const model = createModel(spec);
    const optimizer = createOptimizer(spec);
    const stepper = parallelStepper(model, optimizer, split, 1);
    await stepper.step(batch(0));
    await stepper.step(batch(200));
    const before = tf.memory();
    for (let i = 0; i < 8; i++) await stepper.step(batch((i % 4) * 200));
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    await stepper.dispose();
  });

  it.each([
    // Terminating is asynchronous: asked for just before the step is sent, the replica never answers it, and
    // its exit arrives while the step is pending (asked for just after, a quick replica could still answer).
    ['exits', (worker: Worker) => void worker.terminate(), /a training replica stopped unexpectedly/, 'before'],
    [
      'runs out of memory',
      (worker: Worker) =>
        worker.emit('error', Object.assign(new Error('Worker terminated due to reaching memory limit'), { code: 'ERR_WORKER_OUT_OF_MEMORY' })),
      /a training replica ran out of memory; try a smaller model or batch size/,
      'after',
    ],
  ])(
    'fails the step at once when a replica %s mid-step, and every later step too',
    async (_, kill, message, when) => {
      const model = createModel(spec);
      const optimizer = createOptimizer(spec);
      const before = started.length;
      const stepper = parallelStepper(model, optimizer, split, 1);
      await stepper.step(batch(0));
      if (when === 'before') kill(started[before]);
      const pending = stepper.step(batch(200));
      if (when === 'after') kill(started[before]);
      await expect(pending).rejects.toThrow(message);
      await expect(stepper.step(batch(400))).rejects.toThrow(message);
      await stepper.dispose();
      model.dispose();
      optimizer.dispose();
    },
    20_000,
  );
});
