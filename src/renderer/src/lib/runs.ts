// How a run is named on screen: the person's name for it, else when it was made.
import type { RunRecord } from '../../../shared/contract';

/** A date and time as the runs list shows it. */
export const when = (iso: string) => new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** The run's name, or the time it was made when it has none. */
export const runTitle = (run: RunRecord) => run.name ?? when(run.createdAt);
