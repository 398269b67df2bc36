// How the editor shows the spec's issues: once per field, beside the field where it has one.
import type { SpecIssue } from '../../../shared/spec';

/** One issue per field (the first), so that one mistake gives one message. */
export function firstPerField(issues: SpecIssue[]): SpecIssue[] {
  return issues.filter((issue, i) => issues.findIndex((other) => other.field === issue.field) === i);
}

/** Whether the editor shows this field's message beside an input (else it must be shown elsewhere). */
export const shownInline = (field: string) => /^(conv\.\d+\.\w+|dense\.\d+|augment\.\w+|dropout|learningRate|batchSize|epochs|seed)$/.test(field);
