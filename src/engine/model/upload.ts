// A model folder as files crossing the contract (browser mode's upload and download): checked the way a
// folder on disk is, and written into or read from a folder so that exchange.ts does the rest.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelFiles } from '../../shared/contract.ts';
import { UserError } from '../errors.ts';
import { EXCHANGE_MANIFEST } from './exchange.ts';
import { ModelJsonSchema, MODEL_JSON, WEIGHTS_BIN } from './model-io.ts';

export type ModelFile = ModelFiles['files'][number];
const FILE_NAMES = [MODEL_JSON, WEIGHTS_BIN, EXCHANGE_MANIFEST] as const;

/**
 * Check an upload before anything is written: model.json and weights.bin both there, each name once, and
 * model.json reading its weights from weights.bin alone (a stock converter's shards are named).
 */
export function checkUpload(files: ModelFile[]): void {
  const names = files.map((file) => file.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw new UserError(`the upload holds ${twice} twice`);
  for (const needed of [MODEL_JSON, WEIGHTS_BIN] as const) {
    if (!names.includes(needed)) throw new UserError(`the upload has no ${needed}: choose model.json and weights.bin together`);
  }
  const modelJson = files.find((file) => file.name === MODEL_JSON)!;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(modelJson.base64, 'base64').toString('utf8'));
  } catch {
    throw new UserError('the uploaded model.json is not valid JSON');
  }
  const groups = (parsed as { weightsManifest?: unknown }).weightsManifest;
  if (!Array.isArray(groups)) throw new UserError('the uploaded model.json is not a TF.js Layers model (no weightsManifest)');
  const paths = groups.flatMap((group: { paths?: unknown }) => (Array.isArray(group?.paths) ? group.paths.map(String) : []));
  const others = paths.filter((path) => path.replace(/^\.\//, '') !== WEIGHTS_BIN);
  if (others.length > 0 || paths.length !== 1)
    throw new UserError(
      `the uploaded model.json reads its weights from ${others.join(', ') || `${paths.length} files`}; the studio reads one weights.bin`,
    );
  // The same schema as a model folder's: a topology and one group of weights.
  if (!ModelJsonSchema.safeParse(parsed).success)
    throw new UserError('the uploaded model.json is not a TF.js Layers model (a topology and one group of float32 weights)');
}

/** Write checked files into the empty folder `dir`. */
export async function writeUpload(files: ModelFile[], dir: string): Promise<void> {
  checkUpload(files);
  // Names come from the contract's short list, never from the request's text: nothing can lead out of `dir`.
  for (const file of files) await writeFile(join(dir, FILE_NAMES[FILE_NAMES.indexOf(file.name)]), Buffer.from(file.base64, 'base64'));
}

/** The files of an exported model folder, as base64. */
export async function readFolderFiles(dir: string): Promise<ModelFile[]> {
  const present = FILE_NAMES.filter((name) => existsSync(join(dir, name)));
  return Promise.all(present.map(async (name) => ({ name, base64: (await readFile(join(dir, name))).toString('base64') })));
}

const TEMP_PREFIX = '.exchange-';

/** Make a temporary folder inside `parent`, hand it to `use`, and remove it whatever happens. */
export async function withTempDir<T>(parent: string, use: (dir: string) => Promise<T>): Promise<T> {
  await mkdir(parent, { recursive: true });
  // The owner's pid in the name: a folder whose process is gone is swept at once, not after the grace period.
  const dir = await mkdtemp(join(parent, `${TEMP_PREFIX}${process.pid}-`));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// A younger one may be another studio's export or import in progress (browser mode beside the app).
const TEMP_GRACE_MS = 60_000;

/** Whether the process that made temporary folder `name` (`.exchange-<pid>-…`) is gone; false when it cannot tell. */
function ownerGone(name: string): boolean {
  const pid = Number(/^\.exchange-(\d+)-/.exec(name)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Remove the temporary folders a kill left in `parent` (called once, when the studio opens): at once when their
 * process is gone, after a minute otherwise. Best effort.
 */
export async function sweepTempDirs(parent: string, now = Date.now()): Promise<void> {
  const names = (await readdir(parent).catch(() => [] as string[])).filter((name) => name.startsWith(TEMP_PREFIX));
  await Promise.all(
    names
      .map(async (name) => {
        const path = join(parent, name);
        const { mtimeMs } = await stat(path);
        if (ownerGone(name) || now - mtimeMs >= TEMP_GRACE_MS) await rm(path, { recursive: true, force: true });
      })
      .map((done) => done.catch(() => undefined)),
  );
}
