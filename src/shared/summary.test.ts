import { describe, expect, it } from 'vitest';
import { checkSpec, defaultSpec, type ModelSpec } from './spec.ts';
import { summarize } from './summary.ts';

const variant = (change: (s: ModelSpec) => void): ModelSpec => {
  const spec = defaultSpec();
  change(spec);
  return spec;
};

describe('summary', () => {
  it('matches the notebook: 61,706 parameters with its formulas', () => {
    const summary = summarize(defaultSpec());
    expect(summary.totalParams).toBe(61706);
    expect(summary.rows.map((r) => r.params)).toEqual([0, 156, 0, 2416, 0, 0, 48120, 10164, 850]);
    expect(summary.rows.map((r) => r.outputShape.join('x'))).toEqual([
      '28x28x1',
      '28x28x6',
      '14x14x6',
      '10x10x16',
      '5x5x16',
      '400',
      '120',
      '84',
      '10',
    ]);
    expect(summary.rows[1].formula).toBe('(5×5×1+1)×6 = 156');
    expect(summary.rows[6].formula).toBe('400×120+120 = 48,120');
  });

  it('counts the variants by hand', () => {
    // 3×3 kernels, both same: 28→14→7; (9+1)·6=60, (54+1)·16=880, 784·120+120=94,200, 10,164, 850.
    expect(summarize(variant((s) => s.conv.forEach((c) => ((c.kernelSize = 3), (c.padding = 'same'))))).totalParams).toBe(
      60 + 880 + 94200 + 10164 + 850,
    );
    // 12 and 32 filters: (25+1)·12=312, (300+1)·32=9,632, 800·120+120=96,120, 10,164, 850.
    expect(summarize(variant((s) => ((s.conv[0].filters = 12), (s.conv[1].filters = 32)))).totalParams).toBe(312 + 9632 + 96120 + 10164 + 850);
    // No pooling after conv1: 28→24 (valid 5) →12; 156 + 2,416 + 2304·120+120 = 276,600 + 10,164 + 850.
    expect(summarize(variant((s) => (s.conv[0].pool = 'none'))).totalParams).toBe(156 + 2416 + 276600 + 10164 + 850);
    // One hidden layer of 64, dropout: 156 + 2,416 + 400·64+64 = 25,664 + 64·10+10 = 650.
    const hidden = summarize(variant((s) => ((s.dense = [64]), (s.dropout = 0.5))));
    expect(hidden.totalParams).toBe(156 + 2416 + 25664 + 650);
    expect(hidden.rows.some((r) => r.type.startsWith('Dropout'))).toBe(true);
  });
});

describe('spec validation', () => {
  const issuesOf = (input: unknown) => {
    const check = checkSpec(input);
    return check.ok ? [] : check.issues.map((i) => `${i.field}: ${i.message}`);
  };

  it('accepts the default and the notebook variants', () => {
    expect(checkSpec(defaultSpec()).ok).toBe(true);
    expect(checkSpec(variant((s) => ((s.activation = 'tanh'), (s.conv[1].pool = 'average')))).ok).toBe(true);
  });

  it('names the field of each problem', () => {
    expect(issuesOf(variant((s) => (s.batchSize = 0)))[0]).toMatch(/^batchSize: /);
    expect(issuesOf(variant((s) => (s.learningRate = -1)))[0]).toMatch(/^learningRate: /);
    expect(issuesOf(variant((s) => (s.conv[0].filters = 0)))[0]).toMatch(/^conv\.0\.filters: /);
    expect(issuesOf(variant((s) => (s.activation = 'swish' as never)))[0]).toMatch(/^activation: /);
    expect(issuesOf(variant((s) => (s.dropout = 1)))[0]).toMatch(/^dropout: /);
  });

  it('rejects a kernel larger than its input', () => {
    // 28 → pool 14 → valid 5: 10 → pool 5 → a third valid 7×7 conv does not fit.
    const spec = variant((s) => s.conv.push({ filters: 8, kernelSize: 7, padding: 'valid', pool: 'none', poolSize: 2, poolStride: 2 }));
    expect(issuesOf(spec)).toEqual(['conv.2.kernelSize: kernel 7×7 is larger than its 5×5 input']);
  });
});
