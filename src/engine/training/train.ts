// The training loop: seeded shuffles, one optimizer step per batch, progress per batch and per epoch.
import { tf } from '../runtime/backend.ts';
import { rng, shuffled } from '../data/batches.ts';
import { createStepper, type Stepper } from './step/stepper.ts';
import { scheduledStepper } from './step/scheduled.ts';
import type { Schedule } from '../../shared/schedule.ts';
import type { ModelSpec } from '../../shared/spec.ts';
import { EtaEstimator } from './eta.ts';
import type { Split } from '../data/dataset.ts';
import { evaluate } from '../model/evaluate.ts';
import type { BatchProgress, EpochMetrics } from '../../shared/types.ts';
import type { AugmentSpec } from '../../shared/augment.ts';

export type { BatchProgress, EpochMetrics };

export interface TrainData {
  train: Split;
  test: Split;
}

export interface TrainConfig {
  batchSize: number;
  epochs: number;
  seed: number;
  /** Epochs already done (when resuming); training goes on from the next one. */
  initialEpoch?: number;
  /** Augment every training sample on the fly with these ranges (absent: off, the batches are the data as it is). */
  augment?: AugmentSpec;
  /** The order of epoch `epoch`'s samples (indices into the training split); a seeded shuffle of all of them by default. */
  orderOf?: (epoch: number) => Uint32Array;
  /** A learning-rate schedule and its peak rate; absent, the optimizer keeps its own rate throughout. */
  learningRates?: { schedule: Schedule; peak: number };
}

export interface TrainHooks {
  onBatchEnd?: (p: BatchProgress) => void | Promise<void>;
  onEpochEnd?: (m: EpochMetrics) => void | Promise<void>;
  /** Checked before every batch: when aborted, training ends after the batch in flight. */
  signal?: { readonly aborted: boolean };
}

export interface TrainResult {
  epochsDone: number;
  stopped: boolean;
  history: EpochMetrics[];
}

/** The loop's settings for a spec (resuming after `initialEpoch` epochs). */
export function trainConfig(spec: ModelSpec, initialEpoch?: number): TrainConfig {
  return {
    batchSize: spec.batchSize,
    epochs: spec.epochs,
    seed: spec.seed,
    ...(initialEpoch !== undefined && { initialEpoch }),
    ...(spec.augment && { augment: spec.augment }),
    ...(spec.schedule && { learningRates: { schedule: spec.schedule, peak: spec.learningRate } }),
  };
}

/** Train `model` in place. Stopping keeps the weights of the last finished batch. */
export async function train(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  data: TrainData,
  config: TrainConfig,
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  // The backend layer decides how a step runs (in process, or data-parallel on the wasm fallback).
  const augment = config.augment ? { spec: config.augment, seed: config.seed } : undefined;
  let stepper = createStepper(model, optimizer, data.train, undefined, augment);
  if (config.learningRates) {
    const batches = Math.ceil(data.train.count / config.batchSize);
    stepper = scheduledStepper(stepper, optimizer, {
      ...config.learningRates,
      totalSteps: config.epochs * batches,
      firstStep: (config.initialEpoch ?? 0) * batches,
    });
  }
  try {
    return await runEpochs(stepper, model, data, config, hooks);
  } finally {
    await stepper.dispose();
  }
}

/** The training loop over a given stepper (`model` is what the stepper updates, evaluated after each epoch). */
export async function runEpochs(
  stepper: Stepper,
  model: tf.LayersModel,
  data: TrainData,
  config: TrainConfig,
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  const history: EpochMetrics[] = [];
  const { batchSize, epochs } = config;
  // Each epoch's order depends only on (seed, epoch), so a resumed run sees the same data order.
  const orderOf = config.orderOf ?? ((epoch: number) => shuffled(data.train.count, rng(config.seed * 1000 + epoch)));
  const eta = new EtaEstimator(data.test.count);
  for (let epoch = config.initialEpoch ?? 0; epoch < epochs; epoch++) {
    const order = orderOf(epoch);
    const samples = order.length;
    const batches = Math.ceil(samples / batchSize);
    const began = performance.now();
    let lossSum = 0;
    let correctSum = 0;
    let seen = 0;
    let batchStart = began;
    for (let b = 0; b < batches; b++) {
      if (hooks.signal?.aborted) return { epochsDone: epoch, stopped: true, history };
      const indices = order.subarray(b * batchSize, Math.min((b + 1) * batchSize, samples));
      const [loss, correct] = await stepper.step(indices, epoch);
      lossSum += loss * indices.length;
      correctSum += correct;
      seen += indices.length;
      const now = performance.now();
      // From the end of the batch before: the reporting between batches is part of what a batch costs.
      eta.batch(indices.length, (now - batchStart) / 1000);
      batchStart = now;
      const samplesPerSecond = seen / Math.max((now - began) / 1000, 1e-6);
      await hooks.onBatchEnd?.({
        epoch: epoch + 1,
        epochs,
        batch: b + 1,
        batches,
        loss: lossSum / seen,
        accuracy: correctSum / seen,
        samplesPerSecond,
        // This epoch's validation pass and every later epoch's training and validation are still to come.
        etaSeconds: eta.remaining(samples - seen + (epochs - epoch - 1) * samples, epochs - epoch),
      });
    }
    const seconds = (performance.now() - began) / 1000;
    const validationStart = performance.now();
    const val = await evaluate(model, data.test);
    eta.validation((performance.now() - validationStart) / 1000);
    const metrics: EpochMetrics = {
      epoch: epoch + 1,
      epochs,
      loss: lossSum / seen,
      accuracy: correctSum / seen,
      valLoss: val.loss,
      valAccuracy: val.accuracy,
      seconds,
      samplesPerSecond: seen / seconds,
    };
    history.push(metrics);
    await hooks.onEpochEnd?.(metrics);
  }
  return { epochsDone: epochs, stopped: false, history };
}
