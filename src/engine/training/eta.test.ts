import { describe, expect, it } from 'vitest';
import { EtaEstimator, WARMUP_BATCHES } from './eta.ts';

describe('time left in a run', () => {
  it('is unknown during warm-up, then comes from recent batches only', () => {
    const eta = new EtaEstimator(1000);
    eta.batch(100, 30); // compiling
    for (let i = 1; i < WARMUP_BATCHES; i++) eta.batch(100, 2);
    expect(eta.remaining(10_000, 0)).toBeNull();
    for (let i = 0; i < 25; i++) eta.batch(100, 1);
    // 100 samples a second, whatever the first batches took.
    expect(eta.remaining(10_000, 0)).toBeCloseTo(100, 6);
  });

  it('counts each validation pass left: guessed from the training speed, then as measured', () => {
    const eta = new EtaEstimator(3000);
    for (let i = 0; i < WARMUP_BATCHES + 5; i++) eta.batch(100, 1);
    // A forward pass over 3,000 samples is about a third of training on them: 10 s at 100 samples a second.
    expect(eta.remaining(500, 2)).toBeCloseTo(5 + 2 * 10, 6);
    eta.validation(4);
    expect(eta.remaining(500, 2)).toBeCloseTo(5 + 2 * 4, 6);
  });
});
