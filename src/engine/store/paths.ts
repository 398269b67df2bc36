// Where the store lives, how runs are named, and the check every path the store builds from an id or from a
// file's content goes through before it is used.
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.ts';

/** `folder/name` resolved, refused unless it lies strictly inside `folder` (no `..`, no absolute name, not the folder itself). */
export function inside(folder: string, name: string): string {
  const path = resolve(folder, name);
  const rel = relative(resolve(folder), path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new UserError(`${JSON.stringify(name)} is not a name inside ${folder}`);
  }
  return path;
}

/** The per-user data folder: $DIGIT_STUDIO_HOME, else the platform's usual place. */
export function userDataDir(): string {
  if (process.env.DIGIT_STUDIO_HOME) return process.env.DIGIT_STUDIO_HOME;
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Digit Studio');
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Digit Studio');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'digit-studio');
}

/** Where runs live by default. */
export function defaultRunsRoot(): string {
  return join(userDataDir(), 'runs');
}

/** A sortable, unique id such as `20261127-203000-1a2b`. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
