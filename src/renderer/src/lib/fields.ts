// Names a person reads for the spec's fields, where the schema speaks in paths such as `conv.1.kernelSize`.
import type { SpecIssue } from '../../../shared/spec';

const NAMES: Record<string, string> = {
  activation: 'Activation',
  filters: 'filters',
  kernelSize: 'kernel size',
  padding: 'padding',
  pool: 'pooling',
  poolSize: 'pool size',
  poolStride: 'pool stride',
  dropout: 'Dropout',
  optimizer: 'Optimizer',
  learningRate: 'Learning rate',
  batchSize: 'Batch size',
  epochs: 'Epochs',
  seed: 'Seed',
};

/** `conv.1.kernelSize` → `Conv layer 2 · kernel size`; `dense.0` → `Dense layer 1`. */
export function fieldLabel(path: string): string {
  const [head, index, name] = path.split('.');
  if (head === 'conv' && index !== undefined) return `Conv layer ${Number(index) + 1}${name ? ` · ${NAMES[name] ?? name}` : ''}`;
  if (head === 'dense' && index !== undefined) return `Dense layer ${Number(index) + 1}`;
  if (head === 'conv' || head === 'dense') return head === 'conv' ? 'Conv layers' : 'Dense layers';
  return NAMES[head] ?? path;
}

/** The issue's own human label when the contract gives one, else one made from its path. */
export function issueLabel(issue: SpecIssue): string {
  const given = (issue as SpecIssue & { label?: unknown }).label;
  return typeof given === 'string' && given ? given : fieldLabel(issue.field);
}

/** One issue per field (the first), so that one mistake gives one message. */
export function firstPerField(issues: SpecIssue[]): SpecIssue[] {
  return issues.filter((issue, i) => issues.findIndex((other) => other.field === issue.field) === i);
}

/** Whether the editor shows this field's message beside an input (else it must be shown elsewhere). */
export const shownInline = (field: string) => /^(conv\.\d+\.\w+|dense\.\d+|dropout|learningRate|batchSize|epochs|seed)$/.test(field);
