// The training loop: seeded shuffles, one optimizer step per batch, progress per batch and per epoch.
import { tf } from './backend.ts';
import { crossEntropy, makeBatch, rng, shuffled } from './batches.ts';
import type { Split } from './dataset.ts';
import { evaluate } from './evaluate.ts';
import type { BatchProgress, EpochMetrics } from '../shared/types.ts';

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

/** One optimizer step on a batch; returns [loss, correct count] as plain numbers. */
async function step(model: tf.LayersModel, optimizer: tf.Optimizer, split: Split, indices: Uint32Array): Promise<[number, number]> {
  const batch = makeBatch(split, indices);
  let correct: tf.Scalar | undefined;
  const loss = optimizer.minimize((): tf.Scalar => {
    const probs = model.apply(batch.xs, { training: true }) as tf.Tensor2D;
    correct = tf.keep(probs.argMax(1).equal(batch.ys.argMax(1)).sum() as tf.Scalar);
    return crossEntropy(batch.ys, probs);
  }, true)!;
  const [lossValue] = await loss.data();
  const [correctValue] = await correct!.data();
  tf.dispose([batch.xs, batch.ys, loss, correct!]);
  return [lossValue, correctValue];
}

/** Train `model` in place. Stopping keeps the weights of the last finished batch. */
export async function train(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  data: TrainData,
  config: TrainConfig,
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  const history: EpochMetrics[] = [];
  const { train: split, batchSize, epochs } = { ...config, train: data.train };
  const batches = Math.ceil(split.count / batchSize);
  const start = config.initialEpoch ?? 0;
  for (let epoch = start; epoch < epochs; epoch++) {
    // Each epoch's order depends only on (seed, epoch), so a resumed run sees the same data order.
    const order = shuffled(split.count, rng(config.seed * 1000 + epoch));
    const began = performance.now();
    let lossSum = 0;
    let correctSum = 0;
    let seen = 0;
    for (let b = 0; b < batches; b++) {
      if (hooks.signal?.aborted) return { epochsDone: epoch, stopped: true, history };
      const indices = order.subarray(b * batchSize, Math.min((b + 1) * batchSize, split.count));
      const [loss, correct] = await step(model, optimizer, split, indices);
      lossSum += loss * indices.length;
      correctSum += correct;
      seen += indices.length;
      const elapsed = (performance.now() - began) / 1000;
      const samplesPerSecond = seen / Math.max(elapsed, 1e-6);
      const remaining = split.count - seen + (epochs - epoch - 1) * split.count;
      await hooks.onBatchEnd?.({
        epoch: epoch + 1,
        epochs,
        batch: b + 1,
        batches,
        loss: lossSum / seen,
        accuracy: correctSum / seen,
        samplesPerSecond,
        etaSeconds: remaining / samplesPerSecond,
      });
    }
    const seconds = (performance.now() - began) / 1000;
    const val = await evaluate(model, data.test);
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
