// Per-batch curves that do not drop at every epoch boundary (issue 18, item 8), nor lag where the engine
// skips batches between reports (issue 28, item 5).
import { describe, expect, it } from 'vitest';
import type { BatchPoint } from '../../../shared/contract';
import { reportsBatch } from '../../../shared/batch-events';
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

/**
 * Three epochs of 30 batches whose own loss falls steadily from 1.0 by 0.01 a batch, each batch taking 70 ms,
 * reported as the training thread reports them: only those that `reportsBatch` lets through.
 */
function reportedEpochs(): { all: BatchPoint[]; reported: BatchPoint[] } {
  const all: BatchPoint[] = [];
  const reported: BatchPoint[] = [];
  let clock = 0;
  let lastReport = 0;
  for (let epoch = 0; epoch < 3; epoch++) {
    let sum = 0;
    for (let batch = 1; batch <= 30; batch++) {
      const step = epoch * 30 + batch;
      sum += 1 - 0.01 * (step - 1);
      clock += 70;
      const point = { step, batch, loss: sum / batch, accuracy: 0.5 };
      all.push(point);
      if (reportsBatch(clock - lastReport, batch, 30)) {
        lastReport = clock;
        reported.push(point);
      }
    }
  }
  return { all, reported };
}

describe('smoothBatches with the batches the engine skips', () => {
  it('draws the curve of every batch at the batches reported', () => {
    const { all, reported } = reportedEpochs();
    // The gaps are real: about one batch in three is reported, and each epoch's last.
    expect(reported.length).toBeLessThan(all.length / 2);
    expect(reported.filter((p) => p.batch === 30)).toHaveLength(3);
    const everyBatch = new Map(smoothBatches(all, 'loss').map((p) => [p.x, p.y]));
    for (const point of smoothBatches(reported, 'loss')) {
      // Within less than one batch's progress (0.01) of the curve drawn from every batch.
      expect(Math.abs(point.y - everyBatch.get(point.x)!), `step ${point.x}`).toBeLessThan(0.008);
    }
  });

  it('restarts the running mean after a report from an earlier epoch, even one stopped short', () => {
    // Epoch 1 stopped after batch 3 of 10 (its last report at batch 2), then epoch 1 again from its first batch.
    const points: BatchPoint[] = [
      { step: 2, batch: 2, loss: 1, accuracy: 0 },
      { step: 5, batch: 3, loss: 0.5, accuracy: 0 },
    ];
    // Batch 3's running mean restarted at step 3: the three batches since average 0.5.
    expect(smoothBatches(points, 'loss')[1].y).toBeCloseTo(0.5 + (1 - 2 / 21) ** 3 * 0.5);
  });
});
