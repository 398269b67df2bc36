// The training recipes the Training place offers: the notebook's own, the quick preset and the reading model's
// (src/shared/presets.ts).
// Which recipe a spec follows is read from its training fields each time, never stored beside the spec, so that
// a hand edit, a loaded run or a resumed one always shows the right choice.
import { PRESETS, type PresetName } from '../../../shared/presets';
import type { Schedule } from '../../../shared/schedule';
import { defaultSpec, type ModelSpec } from '../../../shared/spec';

/**
 * The fields a recipe sets; the layers and seed stay as the user has them, and so does augmentation, but for the
 * reading recipe's, which turns it on (its distortions are part of what it learns).
 */
export const RECIPE_FIELDS = ['optimizer', 'learningRate', 'batchSize', 'epochs', 'schedule', 'reading'] as const;
export type RecipeField = (typeof RECIPE_FIELDS)[number];

/** A preset's name, or 'custom' when the training fields match neither. */
export type Recipe = PresetName | 'custom';

/** The recipes in the order the editor lists them: the notebook's first, as it is the default. */
export const RECIPES: readonly PresetName[] = ['notebook', 'quick', 'reading'];

const FIELD_NAMES: Record<RecipeField, string> = {
  optimizer: 'optimizer',
  learningRate: 'learning rate',
  batchSize: 'batch size',
  epochs: 'epochs',
  schedule: 'schedule',
  reading: 'reading model ("not one digit")',
};

const sameSchedule = (a: Schedule | undefined, b: Schedule | undefined) => a?.kind === b?.kind && a?.warmup === b?.warmup;

/** The training fields in which `spec` differs from recipe `name`, in the editor's order. */
export function differences(spec: ModelSpec, name: PresetName): RecipeField[] {
  const recipe = PRESETS[name]();
  return RECIPE_FIELDS.filter((field) =>
    field === 'schedule'
      ? !sameSchedule(spec.schedule, recipe.schedule)
      : field === 'reading'
        ? !!spec.reading !== !!recipe.reading
        : spec[field] !== recipe[field],
  );
}

/** The recipe whose training fields `spec` has, or 'custom'. */
export function recipeOf(spec: ModelSpec): Recipe {
  return RECIPES.find((name) => differences(spec, name).length === 0) ?? 'custom';
}

/** For a custom spec: the recipe it is closest to (fewest differing fields) and what differs, named for people. */
export function closestRecipe(spec: ModelSpec): { name: PresetName; differing: string[] } {
  const [closest] = RECIPES.map((name) => ({ name, fields: differences(spec, name) })).sort((a, b) => a.fields.length - b.fields.length);
  return { name: closest.name, differing: closest.fields.map((field) => FIELD_NAMES[field]) };
}

/** Set `spec`'s training fields to recipe `name`'s, in place; everything else is kept. */
export function applyRecipe(spec: ModelSpec, name: PresetName): void {
  const recipe = PRESETS[name]();
  spec.optimizer = recipe.optimizer;
  spec.learningRate = recipe.learningRate;
  spec.batchSize = recipe.batchSize;
  spec.epochs = recipe.epochs;
  if (recipe.schedule) spec.schedule = { ...recipe.schedule };
  else delete spec.schedule;
  if (recipe.reading) spec.reading = true;
  else delete spec.reading;
  if (recipe.augment) spec.augment = { ...recipe.augment };
}

/** Where `spec`'s layers differ from the notebook's LeNet-5 (the model the recipes were tuned for), named for people. */
export function layerDifferences(spec: ModelSpec): string[] {
  const notebook = defaultSpec();
  const conv = (s: ModelSpec) => JSON.stringify(s.conv.map((c) => [c.filters, c.kernelSize, c.padding, c.pool, c.poolSize, c.poolStride]));
  return [
    spec.activation !== notebook.activation ? 'activation' : null,
    conv(spec) !== conv(notebook) ? 'conv layers' : null,
    JSON.stringify(spec.dense) !== JSON.stringify(notebook.dense) ? 'dense layers' : null,
    spec.dropout !== notebook.dropout ? 'dropout' : null,
  ].filter((name) => name !== null);
}

/** Whether `spec` has the notebook's layers (activation, conv, dense, dropout): the model the recipes were tuned for. */
export const hasNotebookLayers = (spec: ModelSpec): boolean => layerDifferences(spec).length === 0;

/** The share of a one-cycle run spent rising to the peak rate, as a percentage: "25%". */
export const warmupShare = (schedule: Schedule) => `${Number((schedule.warmup * 100).toFixed(1))}%`;

/** A schedule as people read it: "constant" or "one-cycle, warm-up 25%". */
export function describeSchedule(schedule: Schedule | undefined): string {
  return schedule ? `one-cycle, warm-up ${warmupShare(schedule)}` : 'constant';
}
