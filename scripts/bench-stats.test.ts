// The benchmark's statistics: medians, how far rounds disagree, and which contender gets the warning.
import { describe, expect, it } from 'vitest';
import { DISAGREEMENT, disagreements, median, spread } from './bench-stats.mjs';

describe('bench statistics', () => {
  it('takes the middle round, whatever the order', () => {
    expect(median([5, 1, 4, 2, 3])).toBe(3);
    expect(median([8150])).toBe(8150);
    expect(median([10, 40, 20, 30])).toBe(30);
    expect(() => median([])).toThrow('no values');
  });

  it('measures disagreement as max/min − 1', () => {
    expect(spread([100, 110, 120])).toBeCloseTo(0.2, 12);
    expect(spread([5000])).toBe(0);
    expect(spread([800, 8000])).toBeCloseTo(9, 12);
  });

  it('names only the contenders whose rounds disagree by more than 20%', () => {
    expect(DISAGREEMENT).toBe(0.2);
    const lines = disagreements([
      ['digit-studio', [5600, 5650, 5700]],
      ['PyTorch step', [8150, 2100, 8100]],
      ['PyTorch tutorial loop', [1000, 1200, 1100]],
    ]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning: PyTorch step's rounds disagree by 288%/);
    // Exactly 20% apart is still agreement; a stricter threshold flags it.
    expect(disagreements([['PyTorch tutorial loop', [1000, 1200]]], 0.1)).toHaveLength(1);
  });
});
