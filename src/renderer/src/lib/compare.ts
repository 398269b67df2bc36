// What sets runs apart: the spec fields that differ, and how long each took.
import type { EpochMetrics, RunRecord } from '../../../shared/contract';
import { describeSchedule } from './recipe';

/** One row of the comparison table: a field and its value in each run ('—' where a run has no such field). */
export interface FieldRow {
  field: string;
  values: string[];
}

/** A run's settings as `path → shown value`, paths as the spec editor names them (`conv.1.filters`). */
export function settingsOf(run: RunRecord): Map<string, string> {
  const { conv, dense, schedule, ...rest } = run.spec;
  const settings = new Map<string, string>();
  for (const [key, value] of Object.entries(rest)) settings.set(key, String(value));
  settings.set('schedule', describeSchedule(schedule));
  settings.set('conv layers', String(conv.length));
  conv.forEach((layer, i) => {
    for (const [key, value] of Object.entries(layer)) settings.set(`conv.${i}.${key}`, String(value));
  });
  settings.set('dense', dense.join(', ') || 'none');
  settings.set('trainLimit', run.trainLimit?.toLocaleString('en-US') ?? 'all');
  settings.set('testLimit', run.testLimit?.toLocaleString('en-US') ?? 'all');
  return settings;
}

/** The fields whose values are not the same in every run, in the order they first appear. */
export function differingFields(runs: RunRecord[]): FieldRow[] {
  const settings = runs.map(settingsOf);
  const fields = [...new Set(settings.flatMap((s) => [...s.keys()]))];
  return fields.map((field) => ({ field, values: settings.map((s) => s.get(field) ?? '—') })).filter((row) => new Set(row.values).size > 1);
}

/** Training time: the sum of the epochs' own seconds (evaluation included, idle time between resumes not). */
export const trainingSeconds = (epochs: EpochMetrics[]) => epochs.reduce((sum, e) => sum + e.seconds, 0);
