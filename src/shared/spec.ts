// The model specification: the notebook's LeNet-5 by default, and every variant its last cell lists.
// Pure code (no Node, no tfjs) so that the renderer's model editor validates and summarises as you type.
import { z } from 'zod';
import { IMAGE_SIZE } from './mnist.ts';

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

export const ModelSpecSchema = z.object({
  activation: choice(ACTIVATIONS),
  conv: z.array(ConvLayerSchema).max(4, { error: 'at most 4 conv layers' }),
  dense: z.array(positiveInt(4096)).max(4, { error: 'at most 4 hidden dense layers' }),
  dropout: number().min(0, { error: 'must be at least 0' }).lt(1, { error: 'must be below 1' }),
  optimizer: choice(OPTIMIZERS),
  learningRate: number().gt(0, { error: 'must be above 0' }).max(10, { error: 'must be at most 10' }),
  batchSize: positiveInt(60000),
  epochs: positiveInt(1000),
  seed: wholeNumber(0, 2 ** 31 - 1),
});

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

/** One problem with a spec, naming the field as a path such as `conv.1.kernelSize`. */
export interface SpecIssue {
  field: string;
  message: string;
}

export type SpecCheck = { ok: true; spec: ModelSpec } | { ok: false; issues: SpecIssue[] };

/** Output side length of a convolution or pooling window over `size` pixels. */
export function windowOutput(size: number, window: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - window) / stride) + 1;
}

/** Shape problems the schema cannot see: windows larger than what reaches them. */
function shapeIssues(spec: ModelSpec, inputSize: number): SpecIssue[] {
  const issues: SpecIssue[] = [];
  let size = inputSize;
  spec.conv.forEach((layer, i) => {
    if (layer.padding === 'valid' && layer.kernelSize > size) {
      issues.push({
        field: `conv.${i}.kernelSize`,
        message: `kernel ${layer.kernelSize}×${layer.kernelSize} is larger than its ${size}×${size} input`,
      });
      return;
    }
    size = windowOutput(size, layer.kernelSize, 1, layer.padding);
    if (layer.pool === 'none') return;
    if (layer.poolSize > size) {
      issues.push({ field: `conv.${i}.poolSize`, message: `pool ${layer.poolSize}×${layer.poolSize} is larger than its ${size}×${size} input` });
      return;
    }
    size = windowOutput(size, layer.poolSize, layer.poolStride, 'valid');
  });
  return issues;
}

/** The spec schema with the shape checks too: what every receiver of a spec validates against. */
export const ValidModelSpecSchema = ModelSpecSchema.superRefine((spec, ctx) => {
  for (const issue of shapeIssues(spec, IMAGE_SIZE)) {
    ctx.addIssue({ code: 'custom', path: issue.field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)), message: issue.message });
  }
});

/** Validate anything (parsed JSON, form state) as a ModelSpec, with messages that name the field. */
export function checkSpec(input: unknown): SpecCheck {
  const parsed = ValidModelSpecSchema.safeParse(input);
  if (parsed.success) return { ok: true, spec: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(spec)', message: issue.message })) };
}

/** One line per problem: `conv.1.kernelSize: kernel 5×5 is larger than its 4×4 input`. */
export function describeIssues(issues: SpecIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.message}`).join('\n');
}
