// The model specification: the notebook's LeNet-5 by default, and every variant its last cell lists.
// Pure code (no Node, no tfjs) so that the renderer's model editor validates and summarises as you type.
import { z } from 'zod';

export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'elu', 'linear'] as const;
export const OPTIMIZERS = ['adam', 'sgd', 'rmsprop'] as const;
export const PADDINGS = ['same', 'valid'] as const;
export const POOLS = ['max', 'average', 'none'] as const;

const positiveInt = (max: number) => z.number().int().min(1).max(max);

export const ConvLayerSchema = z.object({
  filters: positiveInt(512),
  kernelSize: positiveInt(28),
  padding: z.enum(PADDINGS),
  pool: z.enum(POOLS),
  poolSize: positiveInt(28),
  poolStride: positiveInt(28),
});

export const ModelSpecSchema = z.object({
  activation: z.enum(ACTIVATIONS),
  conv: z.array(ConvLayerSchema).min(0).max(4),
  dense: z.array(positiveInt(4096)).max(4),
  dropout: z.number().min(0).lt(1),
  optimizer: z.enum(OPTIMIZERS),
  learningRate: z.number().gt(0).max(10),
  batchSize: positiveInt(60000),
  epochs: positiveInt(1000),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
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

/** Validate anything (parsed JSON, form state) as a ModelSpec, with messages that name the field. */
export function checkSpec(input: unknown, inputSize = 28): SpecCheck {
  const parsed = ModelSpecSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(spec)', message: issue.message })),
    };
  }
  const issues = shapeIssues(parsed.data, inputSize);
  return issues.length ? { ok: false, issues } : { ok: true, spec: parsed.data };
}

/** One line per problem: `conv.1.kernelSize: kernel 5×5 is larger than its 4×4 input`. */
export function describeIssues(issues: SpecIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.message}`).join('\n');
}
