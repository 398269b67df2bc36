// Augmentation in the data-parallel step: replicas augment their shares exactly as this thread would.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../runtime/backend.ts';
import { limitSplit, loadDataset, type Split } from '../../data/dataset.ts';
import { createModel, createOptimizer } from '../../model/model.ts';
import { defaultSpec } from '../../../shared/spec.ts';
import { defaultAugment } from '../../../shared/augment.ts';
import { localStepper, parallelStepper, type Stepper } from './stepper.ts';

let split: Split;
beforeAll(async () => {
  await initBackend({ want: 'wasm' });
  split = limitSplit((await loadDataset()).train, 600);
});

const spec = { ...defaultSpec(), seed: 5 };
const augment = { spec: defaultAugment(), seed: 5 };
const batch = (start: number) => Uint32Array.from({ length: 200 }, (_, i) => start + i);

async function afterSteps(make: (model: tf.LayersModel, optimizer: tf.Optimizer) => Stepper): Promise<Float32Array> {
  const model = createModel(spec);
  const optimizer = createOptimizer(spec);
  const stepper = make(model, optimizer);
  await stepper.step(batch(0), 2);
  await stepper.step(batch(200), 2);
  await stepper.dispose();
  const values = Float32Array.from(model.getWeights().flatMap((w) => Array.from(w.dataSync())));
  model.dispose();
  optimizer.dispose();
  return values;
}

const largestDifference = (a: Float32Array, b: Float32Array) => a.reduce((worst, w, i) => Math.max(worst, Math.abs(w - b[i])), 0);

describe('augmented training step', () => {
  it('with a replica matches the single-thread step, and differs from the step without augmentation', async () => {
    const local = await afterSteps((m, o) => localStepper(m, o, split, augment));
    const parallel = await afterSteps((m, o) => parallelStepper(m, o, split, 1, augment));
    const plain = await afterSteps((m, o) => localStepper(m, o, split));
    expect(largestDifference(local, parallel)).toBeLessThan(1e-5);
    expect(largestDifference(local, plain)).toBeGreaterThan(1e-4);
  });
});
