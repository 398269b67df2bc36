// What the store reads back from disk, as schemas: a file that does not match is unreadable, never trusted.
import { z } from 'zod';
import { ValidModelSpecSchema } from '../../shared/spec.ts';
import { RunNameSchema, RunNotesSchema } from '../../shared/contract.ts';
import { CHECKPOINT_PATTERN, type BatchProgress, type EpochMetrics, type RunRecord } from '../../shared/types.ts';
import type { FinetuneReport } from '../../shared/digits.ts';

// JSON writes NaN and Infinity (a diverged loss) as null; they read back as NaN rather than failing the record.
const num = z.union([z.number(), z.nan(), z.null().transform(() => NaN)]);
const whole = (min: number) => z.number().int().min(min);

export const EpochMetricsSchema = z.object({
  epoch: whole(1),
  epochs: whole(1),
  loss: num,
  accuracy: num,
  valLoss: num,
  valAccuracy: num,
  seconds: num,
  samplesPerSecond: num,
}) satisfies z.ZodType<EpochMetrics, unknown>;

export const BatchProgressSchema = z.object({
  epoch: whole(1),
  epochs: whole(1),
  batch: whole(1),
  batches: whole(1),
  loss: num,
  accuracy: num,
  samplesPerSecond: num,
  etaSeconds: z.number().nullable(),
}) satisfies z.ZodType<BatchProgress, unknown>;

/** One line of metrics.jsonl. */
export const MetricLineSchema = z.discriminatedUnion('event', [
  BatchProgressSchema.extend({ event: z.literal('batch') }),
  EpochMetricsSchema.extend({ event: z.literal('epoch') }),
]);
export type MetricLine = z.infer<typeof MetricLineSchema>;

const Accuracies = z.object({ mine: z.number().min(0).max(1).nullable(), mnist: z.number().min(0).max(1) });
const FinetuneReportSchema = z.object({
  from: z.string(),
  trained: whole(0),
  heldOut: whole(0),
  before: Accuracies,
  after: Accuracies.nullable(),
  set: z.string().max(80).optional(),
}) satisfies z.ZodType<FinetuneReport, unknown>;

/** run.json. */
export const RunRecordSchema = z.object({
  // Informative only: the store takes a run's id from its folder's name, whatever the file says.
  id: z.string(),
  createdAt: z.iso.datetime(),
  // The same limits as a spec from the window: an edited or older run.json cannot train what the studio refuses.
  spec: ValidModelSpecSchema,
  dataDir: z.string(),
  trainLimit: whole(1).optional(),
  testLimit: whole(1).optional(),
  backend: z.string(),
  status: z.enum(['running', 'stopped', 'done', 'failed']),
  epochsDone: whole(0),
  // A folder inside the run, by name only: never a path that could lead out of it.
  checkpoint: z.string().regex(CHECKPOINT_PATTERN).nullable(),
  previousCheckpoint: z.string().regex(CHECKPOINT_PATTERN).optional(),
  last: EpochMetricsSchema.optional(),
  error: z.string().optional(),
  pid: whole(1).optional(),
  interrupted: z.boolean().optional(),
  name: RunNameSchema.optional(),
  notes: RunNotesSchema.optional(),
  finetune: FinetuneReportSchema.optional(),
  ownData: z.object({ source: z.string().max(4096), trained: whole(0), validation: whole(0), mnist: z.boolean() }).optional(),
  imported: z.object({ declaredAccuracy: z.number().min(0).max(1).nullable() }).optional(),
}) satisfies z.ZodType<RunRecord, unknown>;

/** A zod failure as one line: `field: problem; field: problem`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
}
