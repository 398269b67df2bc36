// The per-batch curves. The engine reports each epoch's running mean, which restarts at every epoch's first
// batch: drawn as it is, the curve drops at each boundary and reads like a sudden jump in learning. Here each
// batch's own value is recovered from the running means and smoothed by a moving average that never restarts.
import type { BatchPoint } from '../../../shared/contract';

/** About how many batches the smoothed curve averages over. */
export const SMOOTHING_BATCHES = 20;

/**
 * One smoothed point per batch: an exponential moving average over about `SMOOTHING_BATCHES` batches of each
 * batch's own value (the k-th running mean times k, less the one before times k − 1; exact when an epoch's batches
 * are the same size, as all but its last are). Points without their place in the epoch are kept as they are.
 */
export function smoothBatches(points: BatchPoint[], key: 'loss' | 'accuracy'): { x: number; y: number }[] {
  const alpha = 2 / (SMOOTHING_BATCHES + 1);
  let previous: BatchPoint | null = null;
  let average: number | null = null;
  return points.map((point) => {
    const k = point.batch;
    let y = point[key];
    if (k !== undefined) {
      const before = k > 1 && previous?.batch === k - 1 ? previous[key] : null;
      const own = k === 1 ? point[key] : before !== null ? k * point[key] - (k - 1) * before : point[key];
      average = average === null ? own : average + alpha * (own - average);
      y = average;
    }
    previous = point;
    return { x: point.step, y };
  });
}
