// Augmentation as part of the model spec: each transform a range, drawn per sample from the run's seed.
// Off (absent) for the notebook's run. Pure schema code, so that the editor validates it as you type.
import { z } from 'zod';

const range = (max: number, unit: string) =>
  z
    .number({ error: 'enter a number' })
    .min(0, { error: 'must be at least 0' })
    .max(max, { error: `must be at most ${max}${unit}` });

export const AugmentSchema = z.object(
  {
    /** Pixels, each axis uniform in [-shift, shift]. */
    shift: range(6, ' pixels'),
    /** Degrees, uniform in [-rotation, rotation]. */
    rotation: range(45, '°'),
    /** Fraction: the scale factor is uniform in [1 - scale, 1 + scale]. */
    scale: range(0.5, ''),
    /** Degrees of horizontal shear, uniform in [-shear, shear]. */
    shear: range(30, '°'),
    /** Pixels of stroke thickness change (dilate > 0, erode < 0), uniform in [-thickness, thickness]. */
    thickness: range(2, ' pixels'),
    /** Elastic distortion: the largest displacement in pixels of a smooth random field (σ = 4 pixels); 0 is off. */
    elastic: range(8, ' pixels'),
  },
  { error: 'augment is an object of ranges: shift, rotation, scale, shear, thickness, elastic' },
);
export type AugmentSpec = z.infer<typeof AugmentSchema>;

export const AUGMENT_LABELS: Record<keyof AugmentSpec, string> = {
  shift: 'shift (pixels)',
  rotation: 'rotation (°)',
  scale: 'scale (±fraction)',
  shear: 'shear (°)',
  thickness: 'stroke thickness (pixels)',
  elastic: 'elastic distortion (pixels)',
};

/** Ranges that suit drawn digits: what the studio offers when a person turns augmentation on. */
export function defaultAugment(): AugmentSpec {
  return { shift: 2, rotation: 12, scale: 0.12, shear: 10, thickness: 0.6, elastic: 2 };
}
