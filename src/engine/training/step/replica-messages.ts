// What a training replica and its coordinator say to each other.
import type { Split } from '../../data/dataset.ts';

export interface ReplicaInput {
  /** The model's topology (model.toJSON), to build an identical model. */
  topology: string;
  /** The training split, in shared memory. */
  split: Split;
}

export interface ReplicaRequest {
  indices: Uint32Array;
  /** Every trainable weight, flattened in trainableWeights order. */
  weights: Float32Array;
}

export type ReplicaReply = { grads: Float32Array; loss: number; correct: number; count: number } | { error: string };
