// What a training replica and its coordinator say to each other.
import type { Split } from '../../data/dataset.ts';
import type { AugmentSpec } from '../../../shared/augment.ts';

export interface ReplicaInput {
  /** The model's topology (model.toJSON), to build an identical model. */
  topology: string;
  /** The training split, in shared memory. */
  split: Split;
  /** Augment each sample with these ranges and this run seed (absent: off). */
  augment?: Augmentation;
}

/** A run's augmentation: its ranges and the seed every sample's draw derives from. */
export interface Augmentation {
  spec: AugmentSpec;
  seed: number;
}

export interface ReplicaRequest {
  indices: Uint32Array;
  /** Every trainable weight, flattened in trainableWeights order. */
  weights: Float32Array;
  /** The epoch (0-based), part of each sample's augmentation seed. */
  epoch: number;
}

export type ReplicaReply = { grads: Float32Array; loss: number; correct: number; count: number } | { error: string };
