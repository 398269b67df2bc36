// The one-cycle learning rate at chosen steps, and no schedule meaning the notebook's constant rate.
import { describe, expect, it } from 'vitest';
import { END_DIVISOR, learningRateAt, START_DIVISOR } from './schedule.ts';
import { checkSpec, defaultSpec } from './spec.ts';
import { quickSpec } from './presets.ts';

describe('learning-rate schedule', () => {
  const oneCycle = { kind: 'one-cycle', warmup: 0.25 } as const;

  it('without a schedule is the spec rate at every step', () => {
    for (const step of [0, 1, 500, 2999]) expect(learningRateAt(0.001, undefined, step, 3000)).toBe(0.001);
  });

  it('one cycle: rises from peak/25 to the peak over the warm-up, then falls to peak/10⁴ at the last step', () => {
    // 401 steps: the peak at step round(0.25 · 400) = 100, the last step is 400.
    expect(learningRateAt(0.01, oneCycle, 0, 401)).toBeCloseTo(0.01 / START_DIVISOR, 12);
    expect(learningRateAt(0.01, oneCycle, 50, 401)).toBeCloseTo((0.01 / 25 + 0.01) / 2, 12);
    expect(learningRateAt(0.01, oneCycle, 100, 401)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(0.01, oneCycle, 250, 401)).toBeCloseTo((0.01 + 0.01 / END_DIVISOR) / 2, 12);
    expect(learningRateAt(0.01, oneCycle, 400, 401)).toBeCloseTo(0.01 / END_DIVISOR, 12);
    // Past the planned end (never asked by the loop) it stays at the floor.
    expect(learningRateAt(0.01, oneCycle, 450, 401)).toBeCloseTo(0.01 / END_DIVISOR, 12);
  });

  it('rises monotonically, then falls monotonically', () => {
    const rates = Array.from({ length: 361 }, (_, k) => learningRateAt(0.01, oneCycle, k, 361));
    const top = rates.indexOf(Math.max(...rates));
    expect(top).toBe(90);
    for (let k = 1; k <= top; k++) expect(rates[k]).toBeGreaterThan(rates[k - 1]);
    for (let k = top + 1; k < rates.length; k++) expect(rates[k]).toBeLessThan(rates[k - 1]);
  });

  it('is optional in a spec (absent in the notebook default), and checked where given', () => {
    expect(defaultSpec().schedule).toBeUndefined();
    expect(checkSpec(quickSpec()).ok).toBe(true);
    const bad = checkSpec({ ...defaultSpec(), schedule: { kind: 'one-cycle', warmup: 1.5 } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0]).toMatchObject({ field: 'schedule.warmup', message: 'must be below 1' });
  });

  it('the quick preset keeps the notebook architecture (same layers and activation)', () => {
    const { conv, dense, activation, dropout } = quickSpec();
    expect({ conv, dense, activation, dropout }).toEqual({ conv: defaultSpec().conv, dense: defaultSpec().dense, activation: 'relu', dropout: 0 });
  });
});
