import { describe, expect, it } from 'vitest';
import { BASELINE, presetQueue, VARIANTS } from './presets.ts';
import { checkSpec, defaultSpec } from './spec.ts';
import { summarize } from './summary.ts';

/** The top-level fields in which two specs differ. */
const differing = (a: object, b: object) =>
  Object.keys({ ...a, ...b }).filter((key) => JSON.stringify(a[key as keyof typeof a]) !== JSON.stringify(b[key as keyof typeof b]));

describe("the notebook's variants as presets", () => {
  it('puts the baseline first whatever is chosen, then the chosen variants in the notebook order, each with the epochs asked for', () => {
    const queue = presetQueue(['dropout', 'tanh'], 2);
    expect(queue.map((item) => item.name)).toEqual(['baseline', 'tanh', 'dropout 0.25']);
    expect(queue[0].spec).toEqual({ ...defaultSpec(), epochs: 2 });
    expect(presetQueue([], 3).map((item) => item.name)).toEqual([BASELINE.name]);
  });

  it('changes one thing each, and every variant is a model the studio accepts', () => {
    const base = defaultSpec();
    const changed = Object.fromEntries(VARIANTS.map((v) => [v.id, differing(base, v.apply(base))]));
    expect(changed).toEqual({
      tanh: ['activation'],
      'kernel-3': ['conv'],
      'kernels-double': ['conv'],
      'kernels-half': ['conv'],
      'average-pool': ['conv'],
      'same-padding': ['conv'],
      'hidden-wide': ['dense'],
      'hidden-one': ['dense'],
      dropout: ['dropout'],
    });
    for (const variant of VARIANTS) expect(checkSpec(variant.apply(base)).ok, variant.id).toBe(true);
    // The parameter counts the notebook's formulas give: LeNet-5's 61,706, and the ones the changes make.
    const params = (id: string) => summarize(VARIANTS.find((v) => v.id === id)!.apply(base)).totalParams;
    expect(summarize(base).totalParams).toBe(61_706);
    expect(params('tanh')).toBe(61_706);
    expect(params('kernels-double')).toBe(156 * 2 + (5 * 5 * 12 + 1) * 32 + (800 * 120 + 120) + 10_164 + 850);
    expect(params('hidden-one')).toBe(156 + 2416 + 48_120 + (120 * 10 + 10));
  });
});
