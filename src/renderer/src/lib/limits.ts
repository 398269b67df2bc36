// The optional sample limits of a quick run, checked as typed so that a bad value is named beside its field
// (and Start stays disabled) instead of coming back from the engine as a rejected payload.
import { z } from 'zod';
import { SPLIT_COUNTS } from '../../../shared/mnist';

const limitSchema = (max: number) =>
  z
    .number({ error: 'enter a number, or leave empty for all' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1 (leave empty for all)' })
    .max(max, { error: `must be at most ${max.toLocaleString('en-US')}` })
    .nullable();

const schemas = { trainLimit: limitSchema(SPLIT_COUNTS.train), testLimit: limitSchema(SPLIT_COUNTS.test) };

/** The message for each limit that is out of range; null = empty, meaning every sample. */
export interface LimitIssues {
  trainLimit?: string;
  testLimit?: string;
}

/** Check both limits; an absent key means that limit is fine. */
export function limitIssues(trainLimit: number | null, testLimit: number | null): LimitIssues {
  const issues: LimitIssues = {};
  const train = schemas.trainLimit.safeParse(trainLimit);
  const test = schemas.testLimit.safeParse(testLimit);
  if (!train.success) issues.trainLimit = train.error.issues[0].message;
  if (!test.success) issues.testLimit = test.error.issues[0].message;
  return issues;
}
