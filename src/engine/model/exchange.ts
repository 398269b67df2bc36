// Moving models in and out of the studio: export the active model to a folder of the user's choosing
// (TF.js Layers model.json + weights.bin, loadable by stock tf.loadLayersModel, and a manifest), and import
// such a folder as a finished run with one checkpoint.
import { existsSync, readdirSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { explainFsError, readUserText, UserError } from '../errors.ts';
import type { tf } from '../runtime/backend.ts';
import { writeDirAtomic, writeFileAtomic } from '../store/atomic.ts';
import { EpochMetricsSchema } from '../store/schemas.ts';
import { RUN_JSON, RunStore } from '../store/runs.ts';
import { RunNameSchema } from '../../shared/contract.ts';
import { IMAGE_SIZE, NUM_CLASSES, SPLIT_COUNTS } from '../../shared/mnist.ts';
import { defaultSpec, ValidModelSpecSchema } from '../../shared/spec.ts';
import type { RunRecord } from '../../shared/types.ts';
import { readBundledManifest } from './bundled.ts';
import { readModel, writeModel } from './model-io.ts';

export const EXCHANGE_MANIFEST = 'manifest.json';
/** The name an imported run carries until its import is done. */
export const IMPORTING = 'interrupted import of';

/** manifest.json beside an exported model; every field optional, so other tools' manifests still import. */
export const ExchangeManifestSchema = z.object({
  exportedAt: z.string().optional(),
  source: z.string().optional(),
  /** The run's name, which the imported run takes (else a source that is not a bare run id). */
  name: RunNameSchema.optional(),
  /** How many validation digits `testAccuracy` and `last` were measured on, when fewer than the whole test split. */
  testLimit: z.number().int().min(1).max(SPLIT_COUNTS.test).optional(),
  spec: ValidModelSpecSchema.optional(),
  testAccuracy: z.number().min(0).max(1).nullable().optional(),
  last: EpochMetricsSchema.optional(),
});
export type ExchangeManifest = z.infer<typeof ExchangeManifestSchema>;

/** Write `model` and its manifest into `dir`, which must be new or empty; a half-written export never shows. */
export async function exportModelFolder(model: tf.LayersModel, dir: string, manifest: ExchangeManifest): Promise<void> {
  if (existsSync(dir)) {
    if (readdirSync(dir).length > 0) throw new UserError(`${dir}: the folder is not empty; choose a new or empty folder`);
    await rmdir(dir);
  }
  try {
    await writeDirAtomic(dir, async (tmp) => {
      await writeModel(tmp, model);
      await writeFileAtomic(join(tmp, EXCHANGE_MANIFEST), JSON.stringify({ exportedAt: new Date().toISOString(), ...manifest }, null, 2));
    });
  } catch (err) {
    throw explainFsError(err, dir);
  }
}

async function readManifest(dir: string): Promise<ExchangeManifest> {
  const path = join(dir, EXCHANGE_MANIFEST);
  if (!existsSync(path)) return {};
  let json: unknown;
  try {
    json = JSON.parse(await readUserText(path));
  } catch (err) {
    throw err instanceof UserError ? err : new UserError(`${path}: not valid JSON`);
  }
  const parsed = ExchangeManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`${path}: ${issue.path.join('.') || 'manifest'}: ${issue.message}`);
  }
  return parsed.data;
}

const shapeText = (shape: unknown) => JSON.stringify(shape).replace(/null/g, 'any');

/** Check that `model` reads one 28×28×1 image and gives 10 class scores, as every studio model does. */
function checkShapes(model: tf.LayersModel, dir: string): void {
  const input = model.inputs[0]?.shape;
  const output = model.outputs[0]?.shape;
  const inputOk = model.inputs.length === 1 && input?.length === 4 && input[1] === IMAGE_SIZE && input[2] === IMAGE_SIZE && input[3] === 1;
  if (!inputOk) throw new UserError(`${dir}: the model's input is ${shapeText(input)}, the studio needs [any,28,28,1]`);
  const outputOk = model.outputs.length === 1 && output?.length === 2 && output[1] === NUM_CLASSES;
  if (!outputOk) throw new UserError(`${dir}: the model's output is ${shapeText(output)}, the studio needs [any,10]`);
}

/**
 * The name an imported run takes: what the person typed, else the manifest's name, else its folder's name, else
 * "import of" its source (never the source alone: an export of the bundled model is not the bundled model), never
 * a bare run id.
 */
export function importedName(manifest: ExchangeManifest, typed?: string, folder?: string): string | undefined {
  const fit = (name: string | undefined) => {
    const parsed = RunNameSchema.safeParse(name?.trim().slice(0, 80));
    return parsed.success && parsed.data ? parsed.data : undefined;
  };
  const source = manifest.source?.trim();
  const fromSource = source && !/^run \d{8}-\d{6}-[0-9a-f]+$/.test(source) ? fit(`import of ${source}`) : undefined;
  return fit(typed) ?? fit(manifest.name) ?? fit(folder) ?? fromSource;
}

/**
 * Import the model folder `dir` into `store` as a done run with one checkpoint. Its spec comes from the
 * manifest when there is one; a bare TF.js folder shows the notebook's spec. `source` is recorded as where it came from.
 */
export async function importModelFolder(
  store: RunStore,
  dir: string,
  backend: string,
  source = dir,
  names: { typed?: string; folder?: string } = {},
): Promise<RunRecord> {
  if (!existsSync(dir)) throw new UserError(`${dir}: no such folder`);
  const manifest = await readManifest(dir);
  const model = await readModel(dir);
  let created: RunRecord | undefined;
  try {
    checkShapes(model, dir);
    // dataDir records where the model came from: an imported run is never trained on here.
    const name = importedName(manifest, names.typed, names.folder);
    // Named as an import until it is done: one a kill interrupts reads as an interrupted import, not a failed training.
    created = await store.create({
      spec: manifest.spec ?? defaultSpec(),
      dataDir: source,
      backend,
      name: `${IMPORTING} ${basename(source)}`.slice(0, 80),
      ...(manifest.testLimit ? { testLimit: manifest.testLimit } : {}),
    });
    const saved = await store.saveCheckpoint({ ...created, epochsDone: manifest.last?.epochs ?? 0 }, model, null);
    const done: RunRecord = {
      ...saved,
      status: 'done',
      pid: undefined,
      name: name || undefined,
      imported: { declaredAccuracy: manifest.testAccuracy ?? manifest.last?.valAccuracy ?? null },
      ...(manifest.last ? { last: manifest.last } : {}),
    };
    await store.writeRecord(done);
    return done;
  } catch (err) {
    // No half-imported run is left behind to show as running or interrupted; the reply names what went wrong,
    // not a failure to clean up (recovery sweeps what cannot be removed now).
    if (created) await store.discard(created.id).catch(() => undefined);
    throw explainFsError(err, store.root);
  } finally {
    model.dispose();
  }
}

/**
 * What an export's manifest can say of a model the user names as on the command line: a run folder's spec
 * and last metrics, a model folder's own manifest, or the bundled model's test accuracy.
 */
export async function describeModel(named?: string): Promise<ExchangeManifest> {
  if (!named) return { spec: defaultSpec(), testAccuracy: readBundledManifest()?.testAccuracy ?? null };
  if (existsSync(join(named, RUN_JSON))) {
    const record = await new RunStore(dirname(resolve(named))).read(basename(resolve(named)));
    return { spec: record.spec, last: record.last, testAccuracy: record.last?.valAccuracy ?? null, name: record.name, testLimit: record.testLimit };
  }
  return readManifest(named);
}
