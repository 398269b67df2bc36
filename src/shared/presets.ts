// The notebook's variants as presets: its last cell lists what else to try (tanh instead of relu, kernel size,
// number of kernels, pooling, same or valid padding, hidden sizes, dropout). Each preset is a named change to
// the notebook's LeNet-5, trained beside the baseline to compare against it. Named training presets (the
// command line's --preset) keep the notebook's architecture and change how it is trained.
import { defaultSpec, type ModelSpec } from './spec.ts';

export interface Preset {
  id: string;
  name: string;
  /** What the change is, in a few words. */
  change: string;
  apply: (spec: ModelSpec) => ModelSpec;
}

const eachConv = (spec: ModelSpec, change: Partial<ModelSpec['conv'][number]>): ModelSpec => ({
  ...spec,
  conv: spec.conv.map((layer) => ({ ...layer, ...change })),
});

/** The baseline: the notebook's model as it is. */
export const BASELINE: Preset = { id: 'baseline', name: 'baseline', change: "the notebook's LeNet-5", apply: (spec) => spec };

/** The variants, in the notebook's order. */
export const VARIANTS: Preset[] = [
  { id: 'tanh', name: 'tanh', change: 'tanh instead of relu, as in the original LeNet', apply: (spec) => ({ ...spec, activation: 'tanh' }) },
  { id: 'kernel-3', name: 'kernels 3×3', change: 'kernel size 3 instead of 5', apply: (spec) => eachConv(spec, { kernelSize: 3 }) },
  {
    id: 'kernels-double',
    name: 'twice the kernels',
    change: 'conv layers with twice the kernels (12 and 32)',
    apply: (spec) => ({ ...spec, conv: spec.conv.map((layer) => ({ ...layer, filters: layer.filters * 2 })) }),
  },
  {
    id: 'kernels-half',
    name: 'half the kernels',
    change: 'conv layers with half the kernels (3 and 8)',
    apply: (spec) => ({ ...spec, conv: spec.conv.map((layer) => ({ ...layer, filters: Math.max(1, Math.round(layer.filters / 2)) })) }),
  },
  { id: 'average-pool', name: 'average pooling', change: 'average pooling instead of max', apply: (spec) => eachConv(spec, { pool: 'average' }) },
  { id: 'same-padding', name: 'same padding', change: "'same' padding in every conv layer", apply: (spec) => eachConv(spec, { padding: 'same' }) },
  {
    id: 'hidden-wide',
    name: 'wider hidden layers',
    change: 'hidden layers of 240 and 168 units instead of 120 and 84',
    apply: (spec) => ({ ...spec, dense: spec.dense.map((units) => units * 2) }),
  },
  {
    id: 'hidden-one',
    name: 'one hidden layer',
    change: 'one hidden layer of 120 units',
    apply: (spec) => ({ ...spec, dense: spec.dense.slice(0, 1) }),
  },
  { id: 'dropout', name: 'dropout 0.25', change: 'dropout 0.25 after each hidden layer', apply: (spec) => ({ ...spec, dropout: 0.25 }) },
];

/** A quick comparison: few samples and epochs, so that every variant trains in minutes. */
export const QUICK_COMPARISON = { trainLimit: 10_000, testLimit: 2_000, epochs: 2 } as const;

/** The queue for the chosen variants: the baseline first, always, then the chosen ones in the notebook's order. */
export function presetQueue(chosen: readonly string[], epochs: number, base: ModelSpec = defaultSpec()): { name: string; spec: ModelSpec }[] {
  const start = { ...base, epochs };
  return [BASELINE, ...VARIANTS.filter((variant) => chosen.includes(variant.id))].map((preset) => ({ name: preset.name, spec: preset.apply(start) }));
}

/**
 * "quick": the notebook's LeNet-5 (61,706 parameters, same layers and activation) trained with a
 * one-cycle learning rate and larger batches, to reach the notebook's 98.8% test accuracy in far fewer
 * epochs (`npm run cli -- bench --to-accuracy 0.988`). Chosen by trying seeds 1–3 (2026-11-28, one thread):
 * 98.87%, 98.94% after 3 epochs and 98.82% after 2; batch 500 at a peak of 0.01 needed 4 epochs for seed 1.
 */
export function quickSpec(): ModelSpec {
  return { ...defaultSpec(), batchSize: 250, learningRate: 0.005, epochs: 3, schedule: { kind: 'one-cycle', warmup: 0.25 } };
}

/**
 * "reading": the model that reads whole numbers. The notebook's LeNet-5 with an eleventh output, "not one
 * digit", learnt from pieces made of the training digits (a half digit, two squeezed together, a digit with a
 * sliver of its neighbour, specks), and trained with elastic distortions, stroke width, slant and scale so
 * that other writers' digits read too. The number reader scores every candidate cut with it.
 */
export function readingSpec(): ModelSpec {
  return {
    ...defaultSpec(),
    reading: true,
    batchSize: 128,
    learningRate: 0.003,
    epochs: 30,
    seed: 11,
    schedule: { kind: 'one-cycle', warmup: 0.2 },
    augment: { shift: 2, rotation: 12, scale: 0.15, shear: 12, thickness: 0.9, elastic: 3 },
  };
}

export const PRESETS = { notebook: defaultSpec, quick: quickSpec, reading: readingSpec } as const;
export type PresetName = keyof typeof PRESETS;
