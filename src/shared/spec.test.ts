import { describe, expect, it } from 'vitest';
import { checkSpec, type ConvLayerSpec, defaultSpec, describeIssues, MAX_PARAMETERS, type ModelSpec } from './spec.ts';
import { summarize } from './summary.ts';

const variant = (change: (s: ModelSpec) => void): ModelSpec => {
  const spec = defaultSpec();
  change(spec);
  return spec;
};
const issuesOf = (input: unknown) => {
  const check = checkSpec(input);
  return check.ok ? [] : check.issues;
};
const wide: ConvLayerSpec = { filters: 512, kernelSize: 28, padding: 'same', pool: 'none', poolSize: 2, poolStride: 2 };

describe('what a spec costs', () => {
  it('refuses a model of 2.3 billion parameters, naming its figure and the limit', () => {
    const huge = variant((s) => ((s.conv = [wide, wide, wide, wide]), (s.dense = [4096, 4096, 4096, 4096])));
    expect(summarize(huge).totalParams).toBe(2_311_522_314);
    expect(issuesOf(huge)).toContainEqual({
      field: '(spec)',
      label: 'Model',
      message: 'the model has 2,311,522,314 parameters; the studio trains at most 5,000,000',
    });
  });

  it('refuses a batch whose activations would not fit, beside the batch size, with the largest that would', () => {
    expect(issuesOf(variant((s) => (s.batchSize = 60000)))).toEqual([
      {
        field: 'batchSize',
        label: 'Batch size',
        message: "a batch of 60,000 needs about 6.2 GB for this model's activations; the studio allows 1 GB (a batch of at most 9,644)",
      },
    ]);
    expect(checkSpec(variant((s) => (s.batchSize = 9644))).ok).toBe(true);
  });

  it('leaves the default and every notebook variant far inside the limits', () => {
    const variants = [
      defaultSpec(),
      variant((s) => ((s.activation = 'tanh'), (s.conv[1].pool = 'average'))),
      variant((s) => s.conv.forEach((c) => ((c.kernelSize = 3), (c.padding = 'same')))),
      variant((s) => ((s.conv[0].filters = 12), (s.conv[1].filters = 32))),
      variant((s) => (s.conv[0].pool = 'none')),
      variant((s) => ((s.dense = [64]), (s.dropout = 0.5))),
      variant((s) => ((s.optimizer = 'sgd'), (s.batchSize = 1000))),
    ];
    for (const spec of variants) {
      expect(checkSpec(spec)).toMatchObject({ ok: true });
      expect(summarize(spec).totalParams).toBeLessThan(MAX_PARAMETERS / 10);
    }
  });
});

describe('spec messages', () => {
  it('names each field for people and keeps its path for the editor', () => {
    const issues = issuesOf(variant((s) => ((s.conv[1].kernelSize = 40), (s.learningRate = 0), (s.dense[1] = 0))));
    expect(issues).toEqual([
      { field: 'conv.1.kernelSize', label: 'Conv layer 2 · kernel size', message: 'must be at most 28' },
      { field: 'dense.1', label: 'Dense layer 2 · units', message: 'must be at least 1' },
      { field: 'learningRate', label: 'Learning rate', message: 'must be above 0' },
    ]);
    expect(describeIssues(issues.slice(0, 1))).toBe('Conv layer 2 · kernel size (conv.1.kernelSize): must be at most 28');
  });

  it('gives one message per mistake: an invalid field does not also report the shape problem it causes', () => {
    expect(issuesOf(variant((s) => ((s.conv[0].kernelSize = 40), (s.conv[0].padding = 'valid'))))).toEqual([
      { field: 'conv.0.kernelSize', label: 'Conv layer 1 · kernel size', message: 'must be at most 28' },
    ]);
    // A later layer's shape is unknown once an earlier one is invalid; the valid-but-too-large window is still one message.
    expect(issuesOf(variant((s) => ((s.conv[0].filters = 0), (s.conv[1].kernelSize = 28))))).toHaveLength(1);
    expect(issuesOf(variant((s) => (s.conv[1].kernelSize = 20)))).toEqual([
      { field: 'conv.1.kernelSize', label: 'Conv layer 2 · kernel size', message: 'kernel 20×20 is larger than its 14×14 input' },
    ]);
  });

  it('refuses what is not an object in one line', () => {
    for (const input of [null, 'lenet', [1, 2]]) {
      expect(issuesOf(input)).toEqual([
        { field: '(spec)', label: 'Model', message: 'a model spec is an object of fields such as conv, dense and batchSize' },
      ]);
    }
  });
});
