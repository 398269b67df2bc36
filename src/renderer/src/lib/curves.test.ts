// Per-batch curves that do not drop at every epoch boundary (issue 18, item 8).
import { describe, expect, it } from 'vitest';
import type { BatchPoint } from '../../../shared/contract';
import { smoothBatches } from './curves';

/** Two epochs of 4 batches whose own loss falls steadily from 1.0 by 0.05 a batch, reported as the engine does. */
function twoEpochs(): BatchPoint[] {
  const points: BatchPoint[] = [];
  for (let epoch = 0; epoch < 2; epoch++) {
    let sum = 0;
    for (let batch = 1; batch <= 4; batch++) {
      const step = epoch * 4 + batch;
      sum += 1 - 0.05 * (step - 1);
      points.push({ step, batch, loss: sum / batch, accuracy: 0.5 });
    }
  }
  return points;
}

describe('smoothBatches', () => {
  it('falls steadily across the epoch boundary where the running means jump down', () => {
    const points = twoEpochs();
    // The engine's running mean drops at the boundary (0.925 → 0.8): more than a batch's real progress.
    expect(points[3].loss - points[4].loss).toBeCloseTo(0.125);
    const smooth = smoothBatches(points, 'loss');
    const steps = smooth.slice(1).map((p, i) => smooth[i].y - p.y);
    // Every step down is at most one batch's real progress (0.05): no cliff at step 5.
    for (const drop of steps) {
      expect(drop).toBeGreaterThan(0);
      expect(drop).toBeLessThanOrEqual(0.05 + 1e-9);
    }
    expect(smooth.map((p) => p.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('keeps points that do not say their place in the epoch as they are', () => {
    expect(smoothBatches([{ step: 1, loss: 2, accuracy: 0.1 }], 'loss')).toEqual([{ x: 1, y: 2 }]);
  });
});
