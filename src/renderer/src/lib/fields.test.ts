// Spec problems named as people name the fields, once per field.
import { describe, expect, it } from 'vitest';
import { checkSpec, defaultSpec } from '../../../shared/spec';
import { firstPerField } from './fields';

describe('field labels', () => {
  it('a kernel too large for its input is named "Conv layer 2 · kernel size", not conv.1.kernelSize', () => {
    const spec = defaultSpec();
    spec.conv[1].kernelSize = 20;
    const check = checkSpec(spec);
    if (check.ok) throw new Error('expected a problem');
    expect(check.issues.map((issue) => issue.label)).toEqual(['Conv layer 2 · kernel size']);
  });

  it('keeps one issue per field', () => {
    const issues = [
      { field: 'epochs', label: 'Epochs', message: 'enter a number' },
      { field: 'epochs', label: 'Epochs', message: 'must be a whole number' },
      { field: 'seed', label: 'Seed', message: 'must be at least 0' },
    ];
    expect(firstPerField(issues).map((i) => i.message)).toEqual(['enter a number', 'must be at least 0']);
  });
});
