// The model specification: the notebook's LeNet-5 by default, and every variant its last cell lists.
// Pure code (no Node, no tfjs) so that the renderer's model editor validates and summarises as you type.
import { z } from 'zod';
import { IMAGE_SIZE, NUM_CLASSES, READING_CLASSES, SPLIT_COUNTS } from './mnist.ts';
import { summarize, windowOutput } from './summary.ts';
import { AUGMENT_LABELS, AugmentSchema } from './augment.ts';
import { ScheduleSchema } from './schedule.ts';

export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'elu', 'linear'] as const;
export const OPTIMIZERS = ['adam', 'sgd', 'rmsprop'] as const;
export const PADDINGS = ['same', 'valid'] as const;
export const POOLS = ['max', 'average', 'none'] as const;

// Messages a person reads beside the field (or after the field's name on the command line).
const number = () => z.number({ error: 'enter a number' });
const wholeNumber = (min: number, max: number) =>
  number()
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max.toLocaleString('en-US')}` });
const positiveInt = (max: number) => wholeNumber(1, max);
const choice = <T extends readonly [string, ...string[]]>(options: T) => z.enum(options, { error: `must be one of ${options.join(', ')}` });

export const ConvLayerSchema = z.object({
  filters: positiveInt(512),
  kernelSize: positiveInt(IMAGE_SIZE),
  padding: choice(PADDINGS),
  pool: choice(POOLS),
  poolSize: positiveInt(IMAGE_SIZE),
  poolStride: positiveInt(IMAGE_SIZE),
});

export const ModelSpecSchema = z.object(
  {
    activation: choice(ACTIVATIONS),
    conv: z.array(ConvLayerSchema).max(4, { error: 'at most 4 conv layers' }),
    dense: z.array(positiveInt(4096)).max(4, { error: 'at most 4 hidden dense layers' }),
    dropout: number().min(0, { error: 'must be at least 0' }).lt(1, { error: 'must be below 1' }),
    optimizer: choice(OPTIMIZERS),
    learningRate: number().gt(0, { error: 'must be above 0' }).max(10, { error: 'must be at most 10' }),
    batchSize: positiveInt(SPLIT_COUNTS.train),
    epochs: positiveInt(1000),
    seed: wholeNumber(0, 2 ** 31 - 1),
    /** Random transforms of each training sample; absent (off) for the notebook's run. */
    augment: AugmentSchema.optional(),
    /** How the learning rate moves over the run (learningRate is then its peak); absent: constant, as in the notebook. */
    schedule: ScheduleSchema.optional(),
    /** A reading model: an eleventh output, "not one digit", learnt from generated pieces (src/engine/data/pieces.ts). */
    reading: z.boolean({ error: 'reading is true or false' }).optional(),
  },
  { error: 'a model spec is an object of fields such as conv, dense and batchSize' },
);

export type ConvLayerSpec = z.infer<typeof ConvLayerSchema>;
export type ModelSpec = z.infer<typeof ModelSpecSchema>;

/** The notebook's model and training settings (Keras defaults where it relies on them). */
export function defaultSpec(): ModelSpec {
  return {
    activation: 'relu',
    conv: [
      { filters: 6, kernelSize: 5, padding: 'same', pool: 'max', poolSize: 2, poolStride: 2 },
      { filters: 16, kernelSize: 5, padding: 'valid', pool: 'max', poolSize: 2, poolStride: 2 },
    ],
    dense: [120, 84],
    dropout: 0,
    optimizer: 'adam',
    learningRate: 0.001,
    batchSize: 200,
    epochs: 10,
    seed: 42,
  };
}

/** One problem with a spec: the field as a path (`conv.1.kernelSize`), its name for people, and what is wrong. */
export interface SpecIssue {
  field: string;
  /** The field as the editor names it, e.g. `Conv layer 2 · kernel size`. */
  label: string;
  message: string;
}

export type SpecCheck = { ok: true; spec: ModelSpec } | { ok: false; issues: SpecIssue[] };

/** The most parameters a model may have: far above every notebook variant (LeNet-5 has 61,706). */
export const MAX_PARAMETERS = 5_000_000;
/** The most activation memory one batch may need (the notebook's batch of 200 needs about 22 MB). */
export const MAX_ACTIVATION_BYTES = 1024 ** 3;
// Training keeps every layer's output for the backward pass, which adds its gradient and scratch space of
// about the same size: roughly three float32 copies of each activation per sample.
export const ACTIVATION_BYTES_PER_VALUE = 4 * 3;

const FIELD_LABELS: Record<string, string> = {
  activation: 'Activation',
  conv: 'Conv layers',
  dense: 'Dense layers',
  dropout: 'Dropout',
  optimizer: 'Optimizer',
  learningRate: 'Learning rate',
  batchSize: 'Batch size',
  epochs: 'Epochs',
  seed: 'Seed',
  augment: 'Augmentation',
  schedule: 'Learning-rate schedule',
};
const CONV_LABELS: Record<string, string> = {
  filters: 'filters',
  kernelSize: 'kernel size',
  padding: 'padding',
  pool: 'pooling',
  poolSize: 'pool size',
  poolStride: 'pool stride',
};

/** The editor's name for a field path: `conv.1.kernelSize` is `Conv layer 2 · kernel size`. */
export function fieldLabel(path: readonly PropertyKey[]): string {
  const [root, index, key] = path;
  if (root === undefined) return 'Model';
  if (root === 'conv' && typeof index === 'number')
    return key === undefined ? `Conv layer ${index + 1}` : `Conv layer ${index + 1} · ${CONV_LABELS[String(key)] ?? String(key)}`;
  if (root === 'dense' && typeof index === 'number') return `Dense layer ${index + 1} · units`;
  if (root === 'augment' && typeof index === 'string' && index in AUGMENT_LABELS)
    return `Augmentation · ${AUGMENT_LABELS[index as keyof typeof AUGMENT_LABELS]}`;
  return FIELD_LABELS[String(root)] ?? String(root);
}

type Path = (string | number)[];

/** Shape problems the schema cannot see: windows larger than what reaches them. Stops at the first layer in `unknown`. */
function shapeIssues(spec: ModelSpec, inputSize: number, unknown: (layer: number) => boolean): { path: Path; message: string }[] {
  let size = inputSize;
  for (const [i, layer] of spec.conv.entries()) {
    // An invalid layer has no meaningful output size; its own field's message is the one to show.
    if (unknown(i)) return [];
    if (layer.padding === 'valid' && layer.kernelSize > size) {
      return [
        { path: ['conv', i, 'kernelSize'], message: `kernel ${layer.kernelSize}×${layer.kernelSize} is larger than its ${size}×${size} input` },
      ];
    }
    size = windowOutput(size, layer.kernelSize, 1, layer.padding);
    if (layer.pool === 'none') continue;
    if (layer.poolSize > size) {
      return [{ path: ['conv', i, 'poolSize'], message: `pool ${layer.poolSize}×${layer.poolSize} is larger than its ${size}×${size} input` }];
    }
    size = windowOutput(size, layer.poolSize, layer.poolStride, 'valid');
  }
  return [];
}

const count = (n: number) => n.toLocaleString('en-US');
const gigabytes = (bytes: number) => `${Number((bytes / 1024 ** 3).toFixed(1))} GB`;

/** What a spec would cost to train, against the studio's limits: what would otherwise exhaust memory. */
function costIssues(spec: ModelSpec, inputSize: number): { path: Path; message: string }[] {
  const summary = summarize(spec, inputSize);
  const issues: { path: Path; message: string }[] = [];
  if (summary.totalParams > MAX_PARAMETERS) {
    issues.push({ path: [], message: `the model has ${count(summary.totalParams)} parameters; the studio trains at most ${count(MAX_PARAMETERS)}` });
  }
  const valuesPerSample = summary.rows.reduce((sum, row) => sum + row.outputShape.reduce((a, b) => a * b, 1), 0);
  const bytes = spec.batchSize * valuesPerSample * ACTIVATION_BYTES_PER_VALUE;
  if (bytes > MAX_ACTIVATION_BYTES) {
    const largest = Math.max(1, Math.floor(MAX_ACTIVATION_BYTES / (valuesPerSample * ACTIVATION_BYTES_PER_VALUE)));
    issues.push({
      path: ['batchSize'],
      message: `a batch of ${count(spec.batchSize)} needs about ${gigabytes(bytes)} for this model's activations; the studio allows ${gigabytes(MAX_ACTIVATION_BYTES)} (a batch of at most ${count(largest)})`,
    });
  }
  return issues;
}

/** The spec schema with the shape and cost checks too: what every receiver of a spec validates against. */
export const ValidModelSpecSchema = ModelSpecSchema.superRefine((spec, ctx) => {
  // One message per mistake: checks derived from the layers run only over fields that are valid themselves.
  const invalid = (...prefix: PropertyKey[]) => ctx.issues.some((issue) => prefix.every((part, i) => issue.path?.[i] === part));
  for (const { path, message } of shapeIssues(spec, IMAGE_SIZE, (layer) => invalid('conv', layer))) ctx.addIssue({ code: 'custom', path, message });
  if (invalid('conv') || invalid('dense') || invalid('batchSize')) return;
  for (const { path, message } of costIssues(spec, IMAGE_SIZE)) ctx.addIssue({ code: 'custom', path, message });
});

/** Validate anything (parsed JSON, form state) as a ModelSpec, with messages that name the field. */
export function checkSpec(input: unknown): SpecCheck {
  const parsed = ValidModelSpecSchema.safeParse(input);
  if (parsed.success) return { ok: true, spec: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(spec)', label: fieldLabel(issue.path), message: issue.message })),
  };
}

/** One line per problem: `Conv layer 2 · kernel size (conv.1.kernelSize): kernel 5×5 is larger than its 4×4 input`. */
export function describeIssues(issues: SpecIssue[]): string {
  return issues.map((i) => (i.field === '(spec)' ? `${i.label}: ${i.message}` : `${i.label} (${i.field}): ${i.message}`)).join('\n');
}

/** How many outputs a spec's model has: ten digits, and "not one digit" for a reading model. */
export function outputClasses(spec: Pick<ModelSpec, 'reading'>): number {
  return spec.reading ? READING_CLASSES : NUM_CLASSES;
}
