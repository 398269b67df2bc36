// Time to accuracy: train a spec on the full training split, evaluating on the test split after each epoch,
// until the test accuracy reaches a target (or the spec's epochs run out).
import { initBackend, type BackendName } from '../runtime/backend.ts';
import type { Dataset } from '../data/dataset.ts';
import { createModel, createOptimizer } from '../model/model.ts';
import type { ModelSpec } from '../../shared/spec.ts';
import { trainingThreads } from './step/stepper.ts';
import { train, trainConfig } from './train.ts';

export interface ToAccuracyResult {
  /** Seconds spent training (the per-epoch evaluations excluded). */
  seconds: number;
  epochs: number;
  /** Test accuracy after the last epoch trained. */
  testAccuracy: number;
  /** Whether the target was reached within the spec's epochs. */
  reached: boolean;
  backend: BackendName;
  threads: number;
}

/** Train `spec` until its test accuracy is at least `target`; stops after the epoch that gets there. */
export async function trainToAccuracy(dataset: Dataset, spec: ModelSpec, target: number): Promise<ToAccuracyResult> {
  const backend = await initBackend({ gpu: true });
  const model = createModel(spec);
  const optimizer = createOptimizer(spec);
  const signal = { aborted: false };
  let seconds = 0;
  let epochs = 0;
  let testAccuracy = 0;
  try {
    await train(model, optimizer, { train: dataset.train, test: dataset.test }, trainConfig(spec), {
      signal,
      onEpochEnd: (m) => {
        seconds += m.seconds;
        epochs = m.epoch;
        testAccuracy = m.valAccuracy;
        if (m.valAccuracy >= target) signal.aborted = true;
      },
    });
  } finally {
    model.dispose();
    optimizer.dispose();
  }
  return { seconds, epochs, testAccuracy, reached: testAccuracy >= target, backend, threads: trainingThreads(backend) };
}
