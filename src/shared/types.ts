// Plain data that crosses the contract: training progress, epoch metrics, run records.
import type { FinetuneReport } from './digits.ts';
import type { ModelSpec } from './spec.ts';

export interface BatchProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Running means over the epoch so far. */
  loss: number;
  accuracy: number;
  samplesPerSecond: number;
  /** Seconds left in the run, validation included; null until the first batches after warm-up are measured. */
  etaSeconds: number | null;
}

/** The batch's step counted over the whole run: 1 for the first batch of epoch 1. */
export function globalStep(p: BatchProgress): number {
  return (p.epoch - 1) * p.batches + p.batch;
}

/** How much of the run is done after this batch, from 0 to 1. */
export function runFraction(p: BatchProgress): number {
  return globalStep(p) / (p.epochs * p.batches);
}

export interface EpochMetrics {
  epoch: number;
  epochs: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
  seconds: number;
  samplesPerSecond: number;
}

export type RunStatus = 'running' | 'stopped' | 'done' | 'failed';

/** The shape of every run id the store makes (`newRunId()`), such as `20261127-203000-1a2b`: a folder name, never a path. */
export const RUN_ID_PATTERN = /^\d{8}-\d{6}-[0-9a-f]{4}$/;

/** The shape of a checkpoint folder's name inside its run, such as `ckpt-0003-9f2c`. */
export const CHECKPOINT_PATTERN = /^ckpt-\d{4}-[0-9a-f]{4}$/;

/** What run.json holds. */
export interface RunRecord {
  id: string;
  createdAt: string;
  spec: ModelSpec;
  dataDir: string;
  trainLimit?: number;
  testLimit?: number;
  backend: string;
  status: RunStatus;
  epochsDone: number;
  /** Folder name of the current checkpoint inside the run, or null before the first one. */
  checkpoint: string | null;
  /** The checkpoint before the current one, kept so that a damaged current one falls back to it (one epoch lost). */
  previousCheckpoint?: string;
  last?: EpochMetrics;
  error?: string;
  /** The process training it, while status is 'running'. */
  pid?: number;
  /** The process training it ended before it finished (a crash or a kill), found when the run was read. */
  interrupted?: boolean;
  /** A person's name for the run and their notes on it. */
  name?: string;
  notes?: string;
  /** Set on a fine-tune run: where it started and accuracy before and after. */
  finetune?: FinetuneReport;
  /** Set on a run trained with a person's own images: their data set or folder, how many trained and validated, and whether MNIST trained too. */
  ownData?: OwnDataReport;
  /** Set on an imported model: the test accuracy its manifest declares (not measured here), null when it declares none. */
  imported?: { declaredAccuracy: number | null };
}

/** What a run trained with besides MNIST (or instead of it). */
export interface OwnDataReport {
  source: string;
  trained: number;
  validation: number;
  mnist: boolean;
}

/** A run folder whose run.json is missing its fields or cannot be read: listed so that it can be deleted. */
export interface UnreadableRun {
  id: string;
  status: 'unreadable';
  error: string;
}

/** One row of the runs list. */
export type RunListEntry = RunRecord | UnreadableRun;

/** Whether a runs-list row is a run whose record could be read. */
export function isReadable(run: RunListEntry): run is RunRecord {
  return run.status !== 'unreadable';
}

/** Whether training can go on from the run's last checkpoint: anything saved that is neither done nor training. */
export function isResumable(run: RunListEntry): run is RunRecord {
  return (run.status === 'stopped' || run.status === 'failed') && run.checkpoint !== null && run.epochsDone < run.spec.epochs;
}
