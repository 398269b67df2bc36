// A run's metrics as one clean run, whatever stops, resumes and crashes wrote into metrics.jsonl.
import type { BatchPoint } from '../../shared/contract.ts';
import { globalStep, type BatchProgress, type EpochMetrics, type RunRecord } from '../../shared/types.ts';
import { EpochMetricsSchema, type MetricLine } from './schemas.ts';

export interface History {
  batches: BatchPoint[];
  epochs: EpochMetrics[];
}

/** The chart point of a batch: its global step, its place in its epoch and the epoch's running means. */
export function batchPoint(p: BatchProgress): BatchPoint {
  return { step: globalStep(p), batch: p.batch, loss: p.loss, accuracy: p.accuracy };
}

/**
 * Add `point` to `points` in place. An epoch that is trained again (after a stop or a crash) starts again at
 * an earlier step: the abandoned attempt's points from there on are dropped, so steps only ever increase.
 */
export function addPoint(points: BatchPoint[], point: BatchPoint): void {
  while (points.length > 0 && points[points.length - 1].step >= point.step) points.pop();
  points.push(point);
}

/**
 * The history of `record`: one line per finished epoch (the latest of each, the record's own `last` when a
 * kill lost its line), and the batch points of finished epochs plus, while the run trains, of its current
 * epoch. A stopped run's unfinished epoch is left out: resuming trains it again from its first batch.
 */
export function cleanHistory(lines: MetricLine[], record: RunRecord, training: boolean): History {
  const byEpoch = new Map<number, EpochMetrics>();
  const batches: BatchPoint[] = [];
  const lastEpochShown = record.epochsDone + (training ? 1 : 0);
  for (const line of lines) {
    if (line.event === 'batch') {
      if (line.epoch <= lastEpochShown) addPoint(batches, batchPoint(line));
    } else if (line.epoch <= record.epochsDone) {
      byEpoch.set(line.epoch, EpochMetricsSchema.parse(line)); // parsing again drops the `event` key
    }
  }
  if (record.last && record.last.epoch === record.epochsDone && !byEpoch.has(record.last.epoch)) byEpoch.set(record.last.epoch, record.last);
  const epochs = [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
  return { batches, epochs };
}
