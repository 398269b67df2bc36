// How often the training thread reports a batch: the window's per-batch curve is drawn from these reports,
// so it must know the gaps they leave (lib/curves.ts).

/** The least time between two batch reports, but an epoch's last batch is always reported. */
export const BATCH_EVENT_INTERVAL_MS = 200;

/** Whether the batch that ended `sinceLastMs` after the last report is reported (batch and batches count from 1). */
export function reportsBatch(sinceLastMs: number, batch: number, batches: number): boolean {
  return sinceLastMs >= BATCH_EVENT_INTERVAL_MS || batch === batches;
}
