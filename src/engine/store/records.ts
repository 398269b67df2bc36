// What a run record means beyond its fields: whether the process it names still trains it, and a person's
// name and notes put into it.
import type { RunRecord } from '../../shared/types.ts';
import { errnoOf } from '../errors.ts';

/** What a run that died before its first checkpoint says: there is nothing to resume, only to delete. */
export const DIED_BEFORE_CHECKPOINT = 'the process training it ended before its first checkpoint; there is nothing to resume';

/** Whether a process with this id exists (signal 0 only checks). */
function processAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoOf(err) === 'EPERM';
  }
}

/** A person's name for a run and their notes; an empty string removes either. */
export interface Annotation {
  name: string;
  notes: string;
}

/** `record` with `annotation` in place of its name and notes. */
export function annotated(record: RunRecord, { name, notes }: Annotation): RunRecord {
  const next: RunRecord = { ...record, name: name.trim(), notes };
  if (!next.name) delete next.name;
  if (!notes.trim()) delete next.notes;
  return next;
}

/**
 * The record as it stands: a run whose process is gone is done, stopped (resumable) or failed, never running.
 * With `ownProcessGone`, a run this process trained counts as gone too: the engine runs in a thread, so after
 * that thread died and a new one opened the store, the shared pid still lives but nothing trains the run.
 */
export function interpret(record: RunRecord, { ownProcessGone = false } = {}): RunRecord {
  const trained = processAlive(record.pid) && !(ownProcessGone && record.pid === process.pid);
  if (record.status !== 'running' || trained) return record;
  if (!record.checkpoint) return { ...record, status: 'failed', interrupted: true, pid: undefined, error: DIED_BEFORE_CHECKPOINT };
  // Killed after its last epoch was saved, before it said so: it is done.
  if (record.epochsDone >= record.spec.epochs) return { ...record, status: 'done', pid: undefined };
  return { ...record, status: 'stopped', interrupted: true, pid: undefined };
}
