// Plain data that crosses the contract: training progress, epoch metrics, run records.
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
  last?: EpochMetrics;
  error?: string;
  /** The process training it, while status is 'running'. */
  pid?: number;
  /** Set when read: the run says 'running' but the process training it is gone (a crash or a kill). */
  interrupted?: boolean;
}
