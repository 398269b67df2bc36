// A run's epochs: the model after each finished epoch (kept by the run store), loaded and asked about one input.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isHeapFailure, type tf } from '../runtime/backend.ts';
import type { RunStore } from '../store/runs.ts';
import { readModel, WEIGHTS_BIN } from './model-io.ts';
import { predictField } from './predict.ts';
import { UserError } from '../errors.ts';
import { messageOf } from '../../shared/message.ts';
import type { EpochAnswer, EpochHistory, EpochSkipped } from '../../shared/contract.ts';

export type { EpochAnswer, EpochHistory, EpochSkipped };

/** The most epochs a history answers for: a longer run is sampled evenly, its first and last epochs always among them. */
export const MAX_HISTORY_EPOCHS = 50;

/**
 * The most weights one history reads, in bytes: a run of a large model is sampled more sparsely (a 4.6 M-parameter
 * model's 18 MB epochs: 7 of them), so that an answer stays within seconds whatever the model.
 */
export const HISTORY_BYTES = 128 * 1024 ** 2;

/**
 * The weights the studio keeps loaded between strokes, in bytes (LeNet-5's 50 epochs take 12 MB). An epoch's
 * model beyond it is loaded for one answer and disposed of at once: a 4.6 M-parameter run's 110 epochs held
 * together filled the WebAssembly heap.
 */
export const EPOCH_CACHE_BYTES = 64 * 1024 ** 2;

/** An epoch's model, and what to call once done with it (disposes of it unless a cache keeps it). */
export interface LoadedEpoch {
  model: tf.LayersModel;
  release(): void;
}

/** Loads an epoch's model from its folder. */
export type LoadEpoch = (dir: string) => Promise<LoadedEpoch>;

/** readModel, disposed of on release. */
const loadOnce: LoadEpoch = async (dir) => {
  const model = await readModel(dir);
  return { model, release: () => model.dispose() };
};

/** At most `max` (at least 2) of `epochs` (in order), spread evenly, the first and the last always among them. */
export function sampleEpochs(epochs: readonly number[], max = MAX_HISTORY_EPOCHS): number[] {
  if (epochs.length <= max) return [...epochs];
  const picked = new Set<number>();
  for (let k = 0; k < max; k++) picked.add(epochs[Math.round((k * (epochs.length - 1)) / (max - 1))]);
  return [...picked];
}

/**
 * What run `id`'s kept epochs (at most 50, and at most HISTORY_BYTES of weights, sampled evenly) answer for `field`, in epoch order; one model loaded at
 * a time through `load`. An epoch whose model cannot be read is skipped and named; a failed WebAssembly heap is
 * no epoch's fault and is thrown, for the studio to rebuild the backend.
 */
export async function epochHistory(
  store: RunStore,
  id: string,
  field: ArrayLike<number>,
  load: LoadEpoch = loadOnce,
  budget = HISTORY_BYTES,
): Promise<EpochHistory> {
  const { epochsDone } = await store.read(id);
  const epochs: EpochAnswer[] = [];
  const skipped: EpochSkipped[] = [];
  const kept = await store.keptEpochs(id);
  // Every epoch of a run has the same model: the last one's weights say what each costs to read.
  const bytes = kept.length
    ? await stat(join(store.epochDir(id, kept.at(-1)!), WEIGHTS_BIN)).then(
        (s) => s.size,
        () => 0,
      )
    : 0;
  const most = Math.max(2, Math.min(MAX_HISTORY_EPOCHS, Math.floor(budget / Math.max(bytes, 1))));
  for (const epoch of sampleEpochs(kept, most)) {
    let loaded: LoadedEpoch | undefined;
    try {
      loaded = await load(store.epochDir(id, epoch));
      const { label, probabilities } = await predictField(loaded.model, field);
      epochs.push({ epoch, label, probabilities });
    } catch (err) {
      if (isHeapFailure(err)) throw err;
      skipped.push({ epoch, problem: messageOf(err) });
    } finally {
      loaded?.release();
    }
  }
  return { epochsDone, epochs, ...(skipped.length > 0 && { skipped }) };
}

/**
 * The epochs' models of one run at a time, each loaded once while their weights fit EPOCH_CACHE_BYTES (a drawing
 * asks about every epoch at each stroke); past that, loaded for one answer and disposed of. An epoch trained
 * again after a fallback is loaded again (its file changed).
 */
export class EpochModels {
  private run: string | null = null;
  private readonly models = new Map<string, Promise<tf.LayersModel>>();
  private bytes = 0;

  constructor(private readonly budget = EPOCH_CACHE_BYTES) {}

  /** The model in the epoch folder `dir`: from the cache, into it while there is room, else loaded for this use alone. */
  private readonly load: LoadEpoch = async (dir) => {
    const { size, mtimeMs } = await stat(join(dir, WEIGHTS_BIN));
    const key = `${dir}@${mtimeMs}`;
    const held = this.models.get(key);
    if (held) return { model: await held, release: () => undefined };
    if (this.bytes + size > this.budget) return loadOnce(dir);
    const model = readModel(dir);
    this.models.set(key, model);
    this.bytes += size;
    model.catch(() => {
      this.models.delete(key);
      this.bytes -= size;
    });
    return { model: await model, release: () => undefined };
  };

  /** `epochHistory` through this cache. */
  async history(store: RunStore, id: string, field: ArrayLike<number>): Promise<EpochHistory> {
    if (id !== this.run) this.dispose();
    this.run = id;
    return epochHistory(store, id, field, this.load);
  }

  /** Epoch `epoch`'s model of run `id`; call `release` once done with it. */
  async model(store: RunStore, id: string, epoch: number): Promise<LoadedEpoch> {
    if (!(await store.keptEpochs(id)).includes(epoch)) throw new UserError(`run ${id} kept no weights for epoch ${epoch}`);
    if (id !== this.run) this.dispose();
    this.run = id;
    return this.load(store.epochDir(id, epoch));
  }

  /** Free every model held. */
  dispose(): void {
    for (const model of this.models.values())
      void model.then(
        (m) => m.dispose(),
        () => undefined,
      );
    this.forget();
  }

  /** Drop every model held without disposing of it: after the backend was rebuilt, their tensors are gone with the old heap. */
  forget(): void {
    this.models.clear();
    this.bytes = 0;
    this.run = null;
  }
}
