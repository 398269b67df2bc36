// What sets runs apart: the spec fields that differ, and how long each took.
import type { EpochMetrics, RunRecord } from '../../../shared/contract';
import { fieldLabel } from '../../../shared/spec';
import { describeSchedule } from './recipe';

/** One row of the comparison table: a field and its value in each run ('—' where a run has no such field). */
export interface FieldRow {
  field: string;
  values: string[];
}

/** The settings a run was trained with: its spec and sample limits. */
export type Settings = Pick<RunRecord, 'spec' | 'trainLimit' | 'testLimit'>;

/** A run's settings as `path → shown value`, paths as the spec editor names them (`conv.1.filters`). */
export function settingsOf(run: Settings): Map<string, string> {
  const { conv, dense, schedule, augment, ...rest } = run.spec;
  const settings = new Map<string, string>();
  for (const [key, value] of Object.entries(rest)) settings.set(key, String(value));
  settings.set('schedule', describeSchedule(schedule));
  settings.set('conv layers', String(conv.length));
  conv.forEach((layer, i) => {
    for (const [key, value] of Object.entries(layer)) settings.set(`conv.${i}.${key}`, String(value));
  });
  settings.set('dense', dense.join(', ') || 'none');
  settings.set('augment', augment ? 'on' : 'off');
  if (augment) for (const [key, value] of Object.entries(augment)) settings.set(`augment.${key}`, String(value));
  settings.set('trainLimit', run.trainLimit?.toLocaleString('en-US') ?? 'all');
  settings.set('testLimit', run.testLimit?.toLocaleString('en-US') ?? 'all');
  return settings;
}

const SETTING_LABELS: Record<string, string> = {
  'conv layers': 'Conv layers',
  dense: 'Dense layers',
  augment: 'Augmentation',
  trainLimit: 'Training samples',
  testLimit: 'Validation samples',
};

/** A setting's name as people read it: `conv.0.kernelSize` is "Conv layer 1 · kernel size", `trainLimit` "Training samples". */
export function settingLabel(path: string): string {
  if (SETTING_LABELS[path]) return SETTING_LABELS[path];
  return fieldLabel(path.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)));
}

/** The fields whose values are not the same in every run, in the order they first appear. */
export function differingFields(runs: RunRecord[]): FieldRow[] {
  const settings = runs.map(settingsOf);
  const fields = [...new Set(settings.flatMap((s) => [...s.keys()]))];
  return fields.map((field) => ({ field, values: settings.map((s) => s.get(field) ?? '—') })).filter((row) => new Set(row.values).size > 1);
}

/** Training time: the sum of the epochs' own seconds (evaluation included, idle time between resumes not). */
export const trainingSeconds = (epochs: EpochMetrics[]) => epochs.reduce((sum, e) => sum + e.seconds, 0);
