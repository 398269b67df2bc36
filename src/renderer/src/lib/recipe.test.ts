// Which recipe a spec follows, read from its training fields; choosing one changes those fields only.
import { describe, expect, it } from 'vitest';
import { VARIANTS, quickSpec } from '../../../shared/presets';
import { defaultSpec } from '../../../shared/spec';
import { applyRecipe, closestRecipe, describeSchedule, differences, hasNotebookLayers, recipeOf } from './recipe';

describe('recipeOf', () => {
  it("names the notebook's spec and the quick preset's, and anything else custom", () => {
    expect(recipeOf(defaultSpec())).toBe('notebook');
    expect(recipeOf(quickSpec())).toBe('quick');
    expect(recipeOf({ ...quickSpec(), schedule: { kind: 'one-cycle', warmup: 0.3 } })).toBe('custom');
    expect(recipeOf({ ...defaultSpec(), schedule: { kind: 'one-cycle', warmup: 0.25 } })).toBe('custom');
    expect(recipeOf({ ...defaultSpec(), optimizer: 'sgd' })).toBe('custom');
  });

  it('looks only at the training fields: other layers, seed and augmentation keep the recipe', () => {
    const tanh = VARIANTS.find((v) => v.id === 'tanh')!.apply(quickSpec());
    expect(recipeOf({ ...tanh, seed: 3 })).toBe('quick');
    expect(hasNotebookLayers(tanh)).toBe(false);
    expect(hasNotebookLayers({ ...quickSpec(), seed: 3 })).toBe(true);
  });
});

describe('closestRecipe', () => {
  it('names the recipe with the fewest differing fields and those fields', () => {
    expect(closestRecipe({ ...quickSpec(), batchSize: 300, epochs: 4 })).toEqual({ name: 'quick', differing: ['batch size', 'epochs'] });
    expect(closestRecipe({ ...defaultSpec(), learningRate: 0.002 })).toEqual({ name: 'notebook', differing: ['learning rate'] });
    expect(differences(defaultSpec(), 'quick')).toEqual(['learningRate', 'batchSize', 'epochs', 'schedule']);
  });
});

describe('applyRecipe', () => {
  it("sets the training fields to the recipe's in place and keeps the rest", () => {
    const spec = { ...VARIANTS.find((v) => v.id === 'kernel-3')!.apply(defaultSpec()), seed: 9 };
    const layers = structuredClone(spec.conv);
    applyRecipe(spec, 'quick');
    expect(spec).toEqual({ ...quickSpec(), conv: layers, seed: 9 });
    applyRecipe(spec, 'notebook');
    expect(spec).toEqual({ ...defaultSpec(), conv: layers, seed: 9 });
    expect('schedule' in spec).toBe(false);
  });

  it("gives the spec its own copy of the schedule, so an edit cannot change the preset's", () => {
    const spec = defaultSpec();
    applyRecipe(spec, 'quick');
    spec.schedule!.warmup = 0.5;
    expect(quickSpec().schedule).toEqual({ kind: 'one-cycle', warmup: 0.25 });
  });
});

describe('describeSchedule', () => {
  it('reads constant or one-cycle with its warm-up share', () => {
    expect(describeSchedule(undefined)).toBe('constant');
    expect(describeSchedule({ kind: 'one-cycle', warmup: 0.25 })).toBe('one-cycle, warm-up 25%');
    expect(describeSchedule({ kind: 'one-cycle', warmup: 0.333 })).toBe('one-cycle, warm-up 33.3%');
  });
});
