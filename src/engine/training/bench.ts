// Steady-state training throughput of a spec, measured through the real training loop.
import { initBackendInfo, type BackendName } from '../runtime/backend.ts';
import { limitSplit, type Dataset } from '../data/dataset.ts';
import { createModel, createOptimizer } from '../model/model.ts';
import { SPLIT_COUNTS } from '../../shared/mnist.ts';
import type { ModelSpec } from '../../shared/spec.ts';
import { trainingThreads } from './step/stepper.ts';
import { train } from './train.ts';
import { defaultAugment } from '../../shared/augment.ts';

export interface BenchResult {
  backend: BackendName;
  /** The GPU's adapter, on webgpu. */
  adapter?: string;
  /** Threads the step runs on (data-parallel replicas plus this one). */
  threads: number;
  batchSize: number;
  samplesPerSecond: number;
  secondsPerEpoch: number;
  measuredBatches: number;
}

const EPOCH_SAMPLES = SPLIT_COUNTS.train;

/** Throughput without and with augmentation (the spec's ranges, or the studio's defaults), and their ratio. */
export async function benchAugment(dataset: Dataset, spec: ModelSpec, options: { warmup?: number; batches?: number } = {}) {
  const without = await benchTraining(dataset, { ...spec, augment: undefined }, options);
  const augment = spec.augment ?? defaultAugment();
  const withAugment = await benchTraining(dataset, { ...spec, augment }, options);
  return { without, with: withAugment, augment, ratio: withAugment.samplesPerSecond / without.samplesPerSecond };
}

/** Time `batches` batches after `warmup` batches (excluded: compilation, first allocations). */
export async function benchTraining(dataset: Dataset, spec: ModelSpec, { warmup = 20, batches = 100 } = {}): Promise<BenchResult> {
  // As a training thread: a GPU that passes its self-check may be chosen.
  const { name: backend, adapter } = await initBackendInfo({ gpu: true });
  const model = createModel(spec);
  const optimizer = createOptimizer(spec);
  const samples = spec.batchSize * (warmup + batches);
  if (samples > dataset.train.count) throw new Error(`bench needs ${samples} training samples, the dataset has ${dataset.train.count}`);
  let startedAt = 0;
  let endedAt = 0;
  await train(
    model,
    optimizer,
    { train: limitSplit(dataset.train, samples), test: limitSplit(dataset.test, 1) },
    { batchSize: spec.batchSize, epochs: 1, seed: spec.seed, augment: spec.augment },
    {
      onBatchEnd: (p) => {
        if (p.batch === warmup) startedAt = performance.now();
        if (p.batch === warmup + batches) endedAt = performance.now();
      },
    },
  );
  model.dispose();
  optimizer.dispose();
  const samplesPerSecond = (batches * spec.batchSize) / ((endedAt - startedAt) / 1000);
  return {
    backend,
    ...(adapter && { adapter }),
    threads: trainingThreads(backend),
    batchSize: spec.batchSize,
    samplesPerSecond,
    secondsPerEpoch: EPOCH_SAMPLES / samplesPerSecond,
    measuredBatches: batches,
  };
}
