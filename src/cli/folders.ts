// Output folders (--out, --export): made one level at a time and tried with a small file, so that a bad
// place is reported at once in one line, and never sends a recursive mkdir round for ever (as under /proc).
import { existsSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { errnoOf, explainFsError, UserError } from '../engine/errors.ts';

/** Make `dir` and its missing parents, and check that files can be written in it. */
export async function prepareOutputFolder(dir: string): Promise<void> {
  const missing: string[] = [];
  let existing = resolve(dir);
  while (!existsSync(existing) && dirname(existing) !== existing) {
    missing.unshift(existing);
    existing = dirname(existing);
  }
  try {
    if (!(await stat(existing)).isDirectory()) throw new UserError(`${dir}: ${existing} is a file, not a folder`);
    for (const folder of missing) await mkdir(folder);
    const probe = join(dir, `.write-test-${process.pid}`);
    await writeFile(probe, 'digit studio');
    await rm(probe);
  } catch (err) {
    // A parent that exists yet answers "no such file" to a new folder does not take folders (/proc, /sys).
    if (errnoOf(err) === 'ENOENT') throw new UserError(`${dir}: cannot be created there (the folder ${existing} does not take new folders)`);
    throw explainFsError(err, dir);
  }
}
