// A run's epochs: the model after each finished epoch (kept by the run store), loaded and asked about one input.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { tf } from '../runtime/backend.ts';
import type { RunStore } from '../store/runs.ts';
import { readModel, WEIGHTS_BIN } from './model-io.ts';
import { predictField } from './predict.ts';
import { UserError } from '../errors.ts';
import type { EpochAnswer, EpochHistory } from '../../shared/contract.ts';

export type { EpochAnswer, EpochHistory };

/** Loads an epoch's model from its folder. */
export type LoadEpoch = (dir: string) => Promise<tf.LayersModel>;

/** What each kept epoch of run `id` answers for `field`, in epoch order; loads through `load` (readModel by default). */
export async function epochHistory(store: RunStore, id: string, field: ArrayLike<number>, load: LoadEpoch = readModel): Promise<EpochHistory> {
  const { epochsDone } = await store.read(id);
  const epochs: EpochAnswer[] = [];
  for (const epoch of await store.keptEpochs(id)) {
    const { label, probabilities } = await predictField(await load(store.epochDir(id, epoch)), field);
    epochs.push({ epoch, label, probabilities });
  }
  return { epochsDone, epochs };
}

/**
 * The epochs' models of one run at a time, loaded once each (about 250 KB apiece for LeNet-5): a drawing asks
 * about every epoch at each stroke. An epoch trained again after a fallback is loaded again (its file changed).
 */
export class EpochModels {
  private run: string | null = null;
  private readonly models = new Map<string, Promise<tf.LayersModel>>();

  /** The model in the epoch folder `dir` of run `id`; loading another run's drops the ones held. */
  private readonly load = async (dir: string): Promise<tf.LayersModel> => {
    const key = `${dir}@${(await stat(join(dir, WEIGHTS_BIN))).mtimeMs}`;
    let model = this.models.get(key);
    if (!model) {
      model = readModel(dir);
      this.models.set(key, model);
      model.catch(() => this.models.delete(key));
    }
    return model;
  };

  /** `epochHistory` through this cache. */
  async history(store: RunStore, id: string, field: ArrayLike<number>): Promise<EpochHistory> {
    if (id !== this.run) this.dispose();
    this.run = id;
    return epochHistory(store, id, field, this.load);
  }

  /** Epoch `epoch`'s model of run `id`. */
  async model(store: RunStore, id: string, epoch: number): Promise<tf.LayersModel> {
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
    this.models.clear();
    this.run = null;
  }
}
