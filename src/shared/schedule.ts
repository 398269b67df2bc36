// Learning-rate schedules a spec may name. Absent, the rate is the spec's learningRate at every step (the
// notebook's run). Pure code: the engine applies it, and anything that shows a spec can describe it.
import { z } from 'zod';

/**
 * One cycle (Smith & Topin's "super-convergence"): the rate rises from learningRate / START_DIVISOR to
 * learningRate over the first `warmup` fraction of all steps, then falls to learningRate / END_DIVISOR by
 * the last step, both along a half cosine.
 */
export const ScheduleSchema = z.object(
  {
    kind: z.literal('one-cycle', { error: 'must be one-cycle' }),
    warmup: z.number({ error: 'enter a number' }).gt(0, { error: 'must be above 0' }).lt(1, { error: 'must be below 1' }),
  },
  { error: 'a schedule is an object such as { "kind": "one-cycle", "warmup": 0.3 }' },
);

export type Schedule = z.infer<typeof ScheduleSchema>;

/** The rate at the first step of a one-cycle schedule is the peak divided by this. */
export const START_DIVISOR = 25;
/** The rate at the last step of a one-cycle schedule is the peak divided by this. */
export const END_DIVISOR = 1e4;

/** From `from` to `to` along a half cosine, `t` in [0, 1]. */
const cosine = (from: number, to: number, t: number) => to + ((from - to) * (1 + Math.cos(Math.PI * t))) / 2;

/** The learning rate of step `step` (0-based, counted over the whole run) of `totalSteps`. */
export function learningRateAt(peak: number, schedule: Schedule | undefined, step: number, totalSteps: number): number {
  if (!schedule) return peak;
  const last = Math.max(totalSteps - 1, 1);
  const top = Math.min(Math.max(Math.round(schedule.warmup * last), 1), last);
  if (step <= top) return cosine(peak / START_DIVISOR, peak, Math.max(step, 0) / top);
  return cosine(peak, peak / END_DIVISOR, Math.min((step - top) / (last - top), 1));
}
