// Spec problems named as people name the fields, once per field.
import { describe, expect, it } from 'vitest';
import { checkSpec, defaultSpec } from '../../../shared/spec';
import { fieldLabel, firstPerField, issueLabel } from './fields';

describe('field labels', () => {
  it('names paths as the editor does', () => {
    expect(fieldLabel('conv.1.kernelSize')).toBe('Conv layer 2 · kernel size');
    expect(fieldLabel('dense.0')).toBe('Dense layer 1');
    expect(fieldLabel('batchSize')).toBe('Batch size');
  });

  it('a kernel too large for its input is named "Conv layer 2 · kernel size", not conv.1.kernelSize', () => {
    const spec = defaultSpec();
    spec.conv[1].kernelSize = 20;
    const check = checkSpec(spec);
    if (check.ok) throw new Error('expected a problem');
    expect(check.issues.map(issueLabel)).toEqual(['Conv layer 2 · kernel size']);
  });

  it('prefers the label the contract gives, and keeps one issue per field', () => {
    expect(issueLabel({ field: 'seed', message: 'x', label: 'Random seed' } as never)).toBe('Random seed');
    const issues = [
      { field: 'epochs', message: 'enter a number' },
      { field: 'epochs', message: 'must be a whole number' },
      { field: 'seed', message: 'must be at least 0' },
    ];
    expect(firstPerField(issues).map((i) => i.message)).toEqual(['enter a number', 'must be at least 0']);
  });
});
