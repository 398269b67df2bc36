// A learning-rate schedule applied around any stepper: before each step, the optimizer gets that step's rate.
import { tf } from '../../runtime/backend.ts';
import { learningRateAt, type Schedule } from '../../../shared/schedule.ts';
import type { Stepper } from './stepper.ts';

/** Set the rate every tfjs optimizer reads at its next update (sgd keeps it as a scalar tensor too). */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  // tfjs's instanceof for optimizers is duck-typed (any optimizer passes), so ask for the method itself.
  if ('setLearningRate' in optimizer && typeof optimizer.setLearningRate === 'function') {
    (optimizer as tf.SGDOptimizer).setLearningRate(rate);
    return;
  }
  // Adam and RMSProp read this field at every update; tfjs declares it protected, not read-only.
  (optimizer as unknown as { learningRate: number }).learningRate = rate;
}

export interface ScheduleRun {
  peak: number;
  schedule: Schedule;
  /** Steps in the whole run. */
  totalSteps: number;
  /** Steps already taken (a resumed run goes on where it stopped). */
  firstStep: number;
}

/** `stepper`, with step k of the run taken at the schedule's rate for k. */
export function scheduledStepper(stepper: Stepper, optimizer: tf.Optimizer, run: ScheduleRun): Stepper {
  let step = run.firstStep;
  return {
    step(indices, epoch) {
      setLearningRate(optimizer, learningRateAt(run.peak, run.schedule, step++, run.totalSteps));
      return stepper.step(indices, epoch);
    },
    dispose: () => stepper.dispose(),
  };
}
