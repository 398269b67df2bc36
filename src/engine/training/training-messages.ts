// What the training worker and the thread that started it say to each other.
import type { BackendOptions } from '../runtime/backend.ts';
import type { RunRecord } from '../store/runs.ts';
import type { ModelSpec } from '../../shared/spec.ts';
import type { FinetuneJob } from './finetune.ts';
import type { OwnDataJob } from './own-data.ts';
import type { BatchProgress, EpochMetrics } from './train.ts';

export interface TrainingJob {
  spec: ModelSpec;
  /** A folder in MNIST's IDX layout; the bundled MNIST when absent. */
  dataDir?: string;
  trainLimit?: number;
  testLimit?: number;
  runsRoot: string;
  /** Continue this run from its last checkpoint instead of starting a new one. */
  resumeId?: string;
  /** A person's name for a new run. */
  name?: string;
  /** Start the new run from this model folder's weights instead of fresh ones (its architecture must be the spec's). */
  fromDir?: string;
  /** Start a fine-tune run (MNIST plus these digits, from this model's weights) instead of a new model. */
  finetune?: FinetuneJob;
  /** Train with a person's own images too (or instead of MNIST), validated on their held-out share. */
  ownData?: OwnDataJob;
  /** The backend to train on; automatic (a self-checked GPU allowed) when absent. */
  backend?: BackendOptions;
}

/** Asks the worker to write a name and notes into the run it trains (it alone writes that run.json meanwhile). */
export interface AnnotateRequest {
  type: 'annotate';
  ticket: number;
  name: string;
  notes: string;
}

/** The worker's answer to an AnnotateRequest: the record as written, or why it could not be. */
export type AnnotateReply = { type: 'annotated'; ticket: number; run: RunRecord } | { type: 'annotated'; ticket: number; error: string };

export type TrainingEvent =
  | { type: 'started'; run: RunRecord }
  | { type: 'batch'; runId: string; progress: BatchProgress }
  | { type: 'epoch'; runId: string; metrics: EpochMetrics; run: RunRecord }
  | { type: 'done'; run: RunRecord; stopped: boolean }
  /** `user`: the user can fix it (a bad file, a full disk), so the command line exits with 2, not 1; `gpu`: the GPU failed. */
  | { type: 'error'; runId: string | null; message: string; user?: boolean; gpu?: boolean };

export interface WorkerInput {
  job: TrainingJob;
  /** Int32Array over it: [0] becomes 1 when a stop is asked for. */
  stopFlag: SharedArrayBuffer;
}
