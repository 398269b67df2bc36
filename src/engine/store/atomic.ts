// Crash-safe writes: everything lands under a temporary name first and is renamed into place.
import * as nodeFs from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { errnoOf, explainFsError } from '../errors.ts';

/** The file operations the run store uses; tests swap in one that fails half-way. */
export interface FileOps {
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
  appendFile(path: string, data: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  mkdir(path: string, options?: { recursive?: boolean }): Promise<string | undefined>;
  rm(path: string, options: { recursive: true; force: true }): Promise<void>;
  /** Flush a file's data, or a folder's entries, to the disk (absent: nothing flushed, as in tests that count writes). */
  sync?(path: string): Promise<void>;
}

/** fsync `path`: a folder only where the platform can open one (not Windows), a file always. */
async function syncToDisk(path: string): Promise<void> {
  const folder = (await nodeFs.stat(path)).isDirectory();
  const handle = await nodeFs.open(path, folder ? 'r' : 'r+').catch((err: unknown) => {
    if (folder) return null;
    throw err;
  });
  if (!handle) return;
  try {
    await handle.sync();
  } catch (err) {
    if (!folder) throw err;
  } finally {
    await handle.close();
  }
}

export const realFileOps: FileOps = { ...nodeFs, sync: syncToDisk };

/**
 * Flush every file under `dir`, then `dir` itself. Called before the rename that commits what `dir` holds: without
 * it a power loss can leave the rename done and the data not (zero-filled weights the model answers 10% with).
 */
export async function syncTree(dir: string, fs: FileOps = realFileOps): Promise<void> {
  if (!fs.sync) return;
  for (const entry of await nodeFs.readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await syncTree(path, fs);
    else await fs.sync(path);
  }
  await fs.sync(dir);
}

/** A sibling name that no reader looks at: `.name.tmp-<random>`. */
export function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${randomBytes(4).toString('hex')}`);
}

/** Write a file so that readers see the old content or the new, never a torn mix. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, fs: FileOps = realFileOps): Promise<void> {
  const tmp = tempName(path);
  try {
    await fs.writeFile(tmp, data);
    await fs.sync?.(tmp);
    await fs.rename(tmp, path);
  } catch (err) {
    // Through `fs` like every other step, so that a simulated kill leaves what a real one would.
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
}

/** Fill a new folder through `fill(tmpDir)` and rename it to `path` only once it is complete. */
export async function writeDirAtomic(path: string, fill: (dir: string) => Promise<void>, fs: FileOps = realFileOps): Promise<void> {
  const tmp = tempName(path);
  try {
    await fs.mkdir(dirname(path), { recursive: true });
    // Made on its own, not recursively: on a read-only disk Node reports a recursive mkdir as ENOENT, this one as EROFS.
    await fs.mkdir(tmp);
    await fill(tmp);
    await syncTree(tmp, fs);
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
}

/**
 * FileOps for fault-injection runs (`npm run faults`), from the environment: with DIGIT_STUDIO_INJECT_ENOSPC set,
 * every write to a path containing its text fails as a full disk does. Unset (always, outside those runs): the real ones.
 */
export function fileOpsFromEnv(env: NodeJS.ProcessEnv = process.env): FileOps {
  const marker = env.DIGIT_STUDIO_INJECT_ENOSPC;
  if (!marker) return realFileOps;
  const full = (path: string) => {
    if (path.includes(marker)) throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC', path });
  };
  return {
    ...realFileOps,
    writeFile: async (path, data) => (full(path), realFileOps.writeFile(path, data)),
    appendFile: async (path, data) => (full(path), realFileOps.appendFile(path, data)),
  };
}

/** Remove `path` (a file or a folder) with `fs`; false when there was none. A failure names the path. */
export async function removeIfThere(path: string, fs: FileOps = realFileOps): Promise<boolean> {
  try {
    await nodeFs.stat(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return false;
    throw explainFsError(err, path);
  }
  try {
    await fs.rm(path, { recursive: true, force: true });
  } catch (err) {
    throw explainFsError(err, path);
  }
  return true;
}
