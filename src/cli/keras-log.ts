// Keras-style training output: `Epoch 1/10`, a live bar on a terminal, then the epoch's metrics line.
import type { BatchProgress, EpochMetrics } from '../engine/training/train.ts';

const BAR_WIDTH = 30;

/** The live line of an epoch: samples done, the bar, the time left in the run, and the running metrics. */
export function bar(progress: BatchProgress, samples: number): string {
  const fraction = progress.batch / progress.batches;
  const done = Math.min(samples, Math.round(fraction * samples));
  const filled = Math.round(fraction * BAR_WIDTH);
  // Keras draws `====>....` while going and a full bar of `=` at the end.
  const track = filled >= BAR_WIDTH ? '='.repeat(BAR_WIDTH) : `${'='.repeat(Math.max(0, filled - 1))}>${'.'.repeat(BAR_WIDTH - Math.max(1, filled))}`;
  const eta = progress.etaSeconds === null ? 'estimating…' : `${Math.round(progress.etaSeconds)}s`;
  return `${String(done).padStart(String(samples).length)}/${samples} [${track}] - ETA: ${eta} - loss: ${progress.loss.toFixed(4)} - accuracy: ${progress.accuracy.toFixed(4)}`;
}

/** The line that closes an epoch, like Keras's `fit` prints it. */
export function epochLine(m: EpochMetrics, samples: number): string {
  const perStep = Math.round((m.seconds / samples) * 1e6);
  return `${samples}/${samples} - ${Math.round(m.seconds)}s ${perStep}us/step - loss: ${m.loss.toFixed(4)} - accuracy: ${m.accuracy.toFixed(4)} - val_loss: ${m.valLoss.toFixed(4)} - val_accuracy: ${m.valAccuracy.toFixed(4)}`;
}
