// Every path the store builds from an id or from a file's content goes through here before it is used.
import { isAbsolute, relative, resolve, sep } from 'node:path';
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
