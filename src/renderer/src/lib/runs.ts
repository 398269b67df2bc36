// How a run is named on screen: the person's name for it, else when it was made.
import type { RunRecord } from '../../../shared/contract';

/** A date and time as the runs list shows it. */
export const when = (iso: string) => new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** The run's name, or the time it was made when it has none. */
export const runTitle = (run: RunRecord) => run.name ?? when(run.createdAt);

/** How far a run trained, as the lists say it: an import was not trained here. */
export const runEpochs = (run: RunRecord) => (run.imported ? 'imported' : `${run.epochsDone}/${run.spec.epochs}`);

/** A run's accuracy as the lists say it: measured here, or what an import declares (labelled so), else `—`. */
export function runAccuracy(run: RunRecord, pct: (x: number | null | undefined) => string): string {
  if (run.last) return pct(run.last.valAccuracy);
  if (run.imported?.declaredAccuracy != null) return `${pct(run.imported.declaredAccuracy)} declared`;
  return '—';
}
