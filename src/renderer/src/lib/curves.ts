// The per-batch curves. The engine reports each epoch's running mean, which restarts at every epoch's first
// batch, and reports a batch at most every BATCH_EVENT_INTERVAL_MS (shared/batch-events.ts): drawn as it is,
// the curve drops at each boundary and lags behind the batches. Here the batches' own values are recovered
// from the running means, across the batches skipped between two reports, and smoothed by a moving average
// that never restarts.
import type { BatchPoint } from '../../../shared/contract';

/** About how many batches the smoothed curve averages over. */
export const SMOOTHING_BATCHES = 20;

/**
 * One smoothed point per reported batch: an exponential moving average over about `SMOOTHING_BATCHES` batches
 * of the batches' own values. Between the report of batch j and that of batch k of the same epoch, the batches
 * j+1…k have the mean (k·mean_k − j·mean_j) / (k − j) (exact when they are the same size, as all of an epoch's
 * but its last are); the average moves as if each of those k − j batches had that value. Points without their
 * place in the epoch are kept as they are.
 */
export function smoothBatches(points: BatchPoint[], key: 'loss' | 'accuracy'): { x: number; y: number }[] {
  const keep = 1 - 2 / (SMOOTHING_BATCHES + 1);
  let previous: BatchPoint | null = null;
  let average: number | null = null;
  return points.map((point) => {
    const k = point.batch;
    let y = point[key];
    if (k !== undefined) {
      // The report before, when it is of an earlier batch of this epoch (its step as far behind as its place in
      // the epoch); else the epoch's running mean restarted since.
      const j = previous?.batch !== undefined && previous.batch < k && point.step - previous.step === k - previous.batch ? previous.batch : 0;
      const before = j > 0 ? previous![key] : 0;
      const own = (k * point[key] - j * before) / (k - j);
      average = average === null ? own : own + keep ** (k - j) * (average - own);
      y = average;
    }
    previous = point;
    return { x: point.step, y };
  });
}
