// What a run keeps besides its current checkpoint, and how the store tells a whole checkpoint from a damaged one.
//   runs/<id>/ckpt-0003-9f2c/record.json   the run's record as it was when this checkpoint became current
//   runs/<id>/epoch-0003/                  the model after epoch 3 (model.json + weights.bin, no optimizer state)
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { MODEL_JSON, OPTIMIZER_BIN, OPTIMIZER_JSON, WEIGHTS_BIN, zeroKernel } from '../model/model-io.ts';
import { errnoOf } from '../errors.ts';
import { CHECKPOINT_PATTERN, type RunRecord } from '../../shared/types.ts';
import { inside } from './paths.ts';
import { RunRecordSchema } from './schemas.ts';

/** The copy of run.json inside each checkpoint: run.json is rebuilt from it when run.json itself is damaged. */
export const RECORD_COPY = 'record.json';

/** The shape of a kept epoch's folder, such as `epoch-0003`. */
export const EPOCH_PATTERN = /^epoch-\d{4}$/;

/** The folder name of epoch `epoch`'s weights. */
export function epochName(epoch: number): string {
  return `epoch-${String(epoch).padStart(4, '0')}`;
}

/** The epoch a checkpoint (`ckpt-0003-9f2c`) or kept epoch (`epoch-0003`) was saved after. */
export function epochOf(name: string): number {
  return Number(/^(?:ckpt|epoch)-(\d{4})/.exec(name)?.[1] ?? NaN);
}

const WeightSpecs = z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()) }));
const ModelJson = z.object({ modelTopology: z.record(z.string(), z.unknown()), weightsManifest: z.array(z.object({ weights: WeightSpecs })) });
const OptimizerJson = z.object({ specs: WeightSpecs });

const bytesOf = (specs: z.infer<typeof WeightSpecs>) => specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);

/**
 * What is wrong with the saved model (and optimizer state, when there is one) in `dir`, or null when every file
 * is there, parses, and is as long as its manifest says. Cheap: nothing is loaded into tfjs.
 */
export async function savedModelProblem(dir: string): Promise<string | null> {
  try {
    const model = ModelJson.safeParse(JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8')));
    if (!model.success) return `${MODEL_JSON} is not a TF.js Layers model`;
    const weights = (await stat(join(dir, WEIGHTS_BIN))).size;
    const expected = bytesOf(model.data.weightsManifest.flatMap((group) => group.weights));
    if (weights !== expected) return `${WEIGHTS_BIN} has ${weights} bytes, the model needs ${expected}`;
    const zeros = zeroKernel(
      model.data.weightsManifest.flatMap((group) => group.weights),
      await readFile(join(dir, WEIGHTS_BIN)),
    );
    if (zeros) return `${WEIGHTS_BIN}: the weights of ${zeros} are all zeros (what a power loss leaves)`;
    const optimizerText = await readFile(join(dir, OPTIMIZER_JSON), 'utf8').catch((err: unknown) => {
      if (errnoOf(err) === 'ENOENT') return null;
      throw err;
    });
    if (optimizerText === null) return null;
    const optimizer = OptimizerJson.safeParse(JSON.parse(optimizerText));
    if (!optimizer.success) return `${OPTIMIZER_JSON} is not the optimizer state the studio writes`;
    const state = (await stat(join(dir, OPTIMIZER_BIN))).size;
    if (state !== bytesOf(optimizer.data.specs)) return `${OPTIMIZER_BIN} has ${state} bytes, the state needs ${bytesOf(optimizer.data.specs)}`;
    return null;
  } catch (err) {
    return err instanceof SyntaxError ? 'a file is not valid JSON' : err instanceof Error ? err.message : String(err);
  }
}

/** The newest kept epoch of the run in `runDir`, at most `upTo`, whose model is whole; null when none is. */
export async function newestWholeEpoch(runDir: string, upTo: number): Promise<number | null> {
  const epochs = (await readdir(runDir).catch(() => [] as string[]))
    .filter((name) => EPOCH_PATTERN.test(name))
    .map(epochOf)
    .filter((epoch) => epoch <= upTo)
    .sort((a, b) => b - a);
  for (const epoch of epochs) if (!(await savedModelProblem(inside(runDir, epochName(epoch))))) return epoch;
  return null;
}

/** The record kept in checkpoint `name` of the run in `runDir` (id `id`), naming it, when that checkpoint is whole; null otherwise. */
export async function wholeCopy(runDir: string, id: string, name: string): Promise<RunRecord | null> {
  const dir = inside(runDir, name);
  if (await savedModelProblem(dir)) return null;
  try {
    const copy = RunRecordSchema.parse(JSON.parse(await readFile(join(dir, RECORD_COPY), 'utf8')));
    return copy.checkpoint === name ? { ...copy, id } : null;
  } catch {
    return null;
  }
}

/** The record kept in the newest whole checkpoint of the run in `runDir`, or null when none has one. */
export async function newestWholeCopy(runDir: string, id: string): Promise<RunRecord | null> {
  const names = (await readdir(runDir)).filter((name) => CHECKPOINT_PATTERN.test(name));
  const copies = (await Promise.all(names.map((name) => wholeCopy(runDir, id, name)))).filter((c): c is RunRecord => c !== null);
  // The newest names the other as its previous checkpoint (two may share an epoch: a stop mid-epoch saves again).
  const newest = copies.find((c) => !copies.some((other) => other.previousCheckpoint === c.checkpoint));
  return newest ?? copies.sort((a, b) => b.epochsDone - a.epochsDone)[0] ?? null;
}
