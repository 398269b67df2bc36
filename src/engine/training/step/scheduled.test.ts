// The schedule reaches every optimizer at the right step, and a spec without one trains exactly as before.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../runtime/backend.ts';
import { type Dataset, limitSplit, loadDataset } from '../../data/dataset.ts';
import { createModel, createOptimizer } from '../../model/model.ts';
import { learningRateAt } from '../../../shared/schedule.ts';
import { defaultSpec, type ModelSpec } from '../../../shared/spec.ts';
import { train, trainConfig } from '../train.ts';
import { scheduledStepper, setLearningRate } from './scheduled.ts';
import type { Stepper } from './stepper.ts';

const rateOf = (optimizer: tf.Optimizer) => (optimizer as unknown as { learningRate: number }).learningRate;

let mnist: Dataset;
beforeAll(async () => {
  await initBackend({ want: 'wasm' });
  mnist = await loadDataset();
});

describe('scheduled steps', () => {
  it.each(['adam', 'rmsprop', 'sgd'] as const)('%s takes step k at the schedule rate for k, from where a resumed run left off', async (name) => {
    const optimizer = createOptimizer({ ...defaultSpec(), optimizer: name });
    const seen: number[] = [];
    const inner: Stepper = { step: async () => (seen.push(rateOf(optimizer)), [0, 0]), dispose: async () => undefined };
    const schedule = { kind: 'one-cycle', warmup: 0.3 } as const;
    const stepper = scheduledStepper(inner, optimizer, { peak: 0.01, schedule, totalSteps: 20, firstStep: 5 });
    for (let k = 0; k < 15; k++) await stepper.step(new Uint32Array(1));
    expect(seen).toEqual(Array.from({ length: 15 }, (_, k) => learningRateAt(0.01, schedule, k + 5, 20)));
    optimizer.dispose();
  });

  it('passes each step its epoch, so that augmentation draws anew every epoch (it drew epoch 0 for ever)', async () => {
    const optimizer = createOptimizer(defaultSpec());
    const epochs: (number | undefined)[] = [];
    const inner: Stepper = { step: async (_, epoch) => (epochs.push(epoch), [0, 0]), dispose: async () => undefined };
    const stepper = scheduledStepper(inner, optimizer, { peak: 0.01, schedule: { kind: 'one-cycle', warmup: 0.3 }, totalSteps: 4, firstStep: 0 });
    for (const epoch of [0, 1, 2, 3]) await stepper.step(new Uint32Array(1), epoch);
    expect(epochs).toEqual([0, 1, 2, 3]);
    optimizer.dispose();
  });

  it("changes the update an optimizer makes (sgd's rate lives in a tensor too)", () => {
    for (const name of ['sgd', 'adam'] as const) {
      const optimizer = createOptimizer({ ...defaultSpec(), optimizer: name, learningRate: 0.001 });
      const v = tf.variable(tf.zeros([1]));
      setLearningRate(optimizer, 0.5);
      optimizer.applyGradients([{ name: v.name, tensor: tf.ones([1]) }]);
      // sgd: −rate·g; adam's first step: −rate·m̂/(√v̂ + ε) = −rate (up to ε).
      expect(v.dataSync()[0]).toBeCloseTo(-0.5, 5);
      v.dispose();
      optimizer.dispose();
    }
  });

  it('a spec without a schedule trains exactly as the loop did before (same weights, rate untouched)', async () => {
    const spec: ModelSpec = { ...defaultSpec(), batchSize: 100, epochs: 1 };
    const data = { train: limitSplit(mnist.train, 500), test: limitSplit(mnist.test, 100) };
    const run = async (config: Parameters<typeof train>[3]) => {
      const model = createModel(spec);
      const optimizer = createOptimizer(spec);
      await train(model, optimizer, data, config);
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      const rate = rateOf(optimizer);
      model.dispose();
      optimizer.dispose();
      return { weights, rate };
    };
    const before = await run({ batchSize: spec.batchSize, epochs: spec.epochs, seed: spec.seed });
    const now = await run(trainConfig(spec));
    expect(trainConfig(spec).learningRates).toBeUndefined();
    expect(now).toEqual(before);
    expect(now.rate).toBe(0.001);
    // With a schedule the same run ends elsewhere, at the schedule's last rate.
    const scheduled = await run(trainConfig({ ...spec, schedule: { kind: 'one-cycle', warmup: 0.3 } }));
    expect(scheduled.weights).not.toEqual(before.weights);
    expect(scheduled.rate).toBeCloseTo(learningRateAt(0.001, { kind: 'one-cycle', warmup: 0.3 }, 4, 5), 12);
  });

  it('a resumed run goes on along the schedule from the epoch it stopped after', async () => {
    const schedule = { kind: 'one-cycle', warmup: 0.3 } as const;
    const spec: ModelSpec = { ...defaultSpec(), batchSize: 50, epochs: 2, learningRate: 0.002, schedule };
    const model = createModel(spec);
    const optimizer = createOptimizer(spec);
    const data = { train: limitSplit(mnist.train, 100), test: limitSplit(mnist.test, 50) };
    // Two batches an epoch, four steps in the run: resuming after epoch 1 takes steps 2 and 3.
    await train(model, optimizer, data, trainConfig(spec, 1));
    expect(rateOf(optimizer)).toBeCloseTo(learningRateAt(0.002, schedule, 3, 4), 12);
    model.dispose();
    optimizer.dispose();
  });
});
