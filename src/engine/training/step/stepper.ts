// How one optimizer step runs. In process by default; on the wasm fallback with more than one core,
// data-parallel: the batch is cut into one share per core, helper threads ("replicas") compute their
// shares' gradients while this thread computes its own, and this thread applies the size-weighted mean
// — the full batch's gradient, up to floating-point summation order.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { checkDevice, tf } from '../../runtime/backend.ts';
import type { Split } from '../../data/dataset.ts';
import { onWorkerFailure, spawnWorker } from '../../runtime/workers.ts';
import { flatten, type ShareGradients, shareGradients, stepTensors, trainableVariables, unflatten } from './gradients.ts';
import type { Augmentation, ReplicaInput, ReplicaReply, ReplicaRequest } from './replica-messages.ts';
import { Augmenter } from '../../data/augment.ts';

export type { Augmentation };

export interface Stepper {
  /** One optimizer step on `indices` (of 0-based `epoch`, which seeds augmentation); returns [mean loss, correct count]. */
  step(indices: Uint32Array, epoch?: number): Promise<[number, number]>;
  dispose(): Promise<void>;
}

/** Contiguous shares of `indices`, as equal as can be. */
export function shares(indices: Uint32Array, count: number): Uint32Array[] {
  const size = Math.ceil(indices.length / count);
  return Array.from({ length: count }, (_, i) => indices.subarray(i * size, (i + 1) * size)).filter((s) => s.length > 0);
}

/** A share's gradients as one flat array (in trainableWeights order), with its loss and counts. */
interface FlatShare {
  grads: Float32Array;
  loss: number;
  correct: number;
  count: number;
}

function flatShare(share: ShareGradients): FlatShare {
  const grads = flatten(share.grads);
  tf.dispose(share.grads);
  return { ...share, grads };
}

/** One optimizer update with `grads` (in `variables` order), which are then freed. */
function applyAndFree(optimizer: tf.Optimizer, variables: tf.Variable[], grads: tf.Tensor[]): void {
  optimizer.applyGradients(variables.map((v, k) => ({ name: v.name, tensor: grads[k] })));
  tf.dispose(grads);
}

/** Apply Σ (nᵢ/n)·gᵢ over the shares: summed in plain arrays, then one update through the optimizer. */
function applyMean(optimizer: tf.Optimizer, variables: tf.Variable[], results: FlatShare[]): [number, number] {
  const total = results.reduce((n, r) => n + r.count, 0);
  let mean = results[0].grads;
  if (results.length > 1) {
    mean = new Float32Array(mean.length);
    for (const r of results) {
      const weight = r.count / total;
      for (let i = 0; i < mean.length; i++) mean[i] += weight * r.grads[i];
    }
  }
  applyAndFree(optimizer, variables, unflatten(mean, variables));
  const loss = results.reduce((sum, r) => sum + r.loss * r.count, 0) / total;
  return [loss, results.reduce((sum, r) => sum + r.correct, 0)];
}

/** Single-thread step. */
export function localStepper(model: tf.LayersModel, optimizer: tf.Optimizer, split: Split, augment?: Augmentation): Stepper {
  const variables = trainableVariables(model);
  const augmenter = augment ? new Augmenter(augment.spec, augment.seed) : null;
  return {
    // The gradients stay tensors: no round trip through plain arrays (which native TensorFlow would pay too).
    // Only the loss and the correct count are read back, after the update is queued, and without blocking
    // (a GPU backend cannot read synchronously).
    step: async (indices, epoch = 0) => {
      const { grads, loss, correct } = stepTensors(model, split, indices, augmenter ? { augmenter, epoch } : undefined);
      applyAndFree(optimizer, variables, grads);
      const [lossValue, correctValue] = await Promise.all([loss.data(), correct.data()]);
      tf.dispose([loss, correct]);
      checkDevice();
      return [lossValue[0], correctValue[0]];
    },
    dispose: async () => undefined,
  };
}

/** Copy a split into shared memory once, so that replicas read it without copies of their own. */
function sharedSplit(split: Split): Split {
  const pixels = new Uint8Array(new SharedArrayBuffer(split.pixels.byteLength));
  pixels.set(split.pixels);
  const labels = new Uint8Array(new SharedArrayBuffer(split.labels.byteLength));
  labels.set(split.labels);
  return { count: split.count, pixels, labels };
}

/** One helper thread; a compute pending when the thread fails or exits rejects with the reason. */
class Replica {
  private pending: { resolve: (reply: ReplicaReply) => void; reject: (err: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(private readonly worker: Worker) {
    worker.on('message', (reply: ReplicaReply) => {
      const pending = this.pending;
      this.pending = null;
      pending?.resolve(reply);
    });
    onWorkerFailure(worker, 'a training replica', (err) => {
      this.failure = err;
      const pending = this.pending;
      this.pending = null;
      pending?.reject(err);
    });
  }

  compute(request: ReplicaRequest): Promise<ReplicaReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(request);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/** Data-parallel step over `helpers` replica threads plus this one. */
export function parallelStepper(model: tf.LayersModel, optimizer: tf.Optimizer, split: Split, helpers: number, augment?: Augmentation): Stepper {
  const variables = trainableVariables(model);
  const augmenter = augment ? new Augmenter(augment.spec, augment.seed) : null;
  const shared = sharedSplit(split);
  const topology = JSON.stringify(model.toJSON(null, false));
  const replicas = Array.from(
    { length: helpers },
    () => new Replica(spawnWorker('replica-worker', { topology, split: shared, augment } satisfies ReplicaInput, import.meta.url)),
  );
  return {
    async step(indices, epoch = 0) {
      const [own, ...theirs] = shares(indices, helpers + 1);
      // Replicas start from this thread's current weights, so they never drift.
      const weights = flatten(variables);
      // A copy of just the share: a subarray would clone the whole epoch order with it.
      const replies = theirs.map((share, i) => replicas[i].compute({ indices: share.slice(), weights, epoch }));
      const mine = flatShare(shareGradients(model, split, own, augmenter ? { augmenter, epoch } : undefined));
      const results = (await Promise.all(replies)).map((reply): FlatShare => {
        if ('error' in reply) throw new Error(`training replica failed: ${reply.error}`);
        return reply;
      });
      return applyMean(optimizer, variables, [mine, ...results]);
    },
    async dispose() {
      await Promise.all(replicas.map((r) => r.terminate()));
    },
  };
}

/** How many threads to train on: $DIGIT_STUDIO_THREADS, else every core (the fallback engine only). */
export function trainingThreads(backend: string): number {
  const requested = Number(process.env.DIGIT_STUDIO_THREADS);
  if (Number.isInteger(requested) && requested >= 1) return requested;
  // Native TensorFlow already uses every core itself.
  return backend === 'wasm' ? availableParallelism() : 1;
}

/** The stepper for this backend and machine. */
export function createStepper(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  split: Split,
  threads = trainingThreads(tf.getBackend()),
  augment?: Augmentation,
): Stepper {
  return threads > 1 ? parallelStepper(model, optimizer, split, threads - 1, augment) : localStepper(model, optimizer, split, augment);
}
