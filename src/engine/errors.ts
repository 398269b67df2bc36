// The one user-facing error type, and the one way to turn a file-system failure into a message that names
// the file. Transports turn a UserError into `{ ok: false, error }`; the command line into exit code 2.
import { readFile } from 'node:fs/promises';

/** Something the user can fix (a bad file, a bad value, a full disk): its message is shown as it is. */
export class UserError extends Error {
  override name = 'UserError';
}

const ERRNO_MESSAGES: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of this path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
  EEXIST: 'already exists',
  ENOTEMPTY: 'the folder is not empty',
};

/** The errno code of a Node file-system error, if it is one. */
export function errnoOf(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A UserError naming `path` for a file-system error; anything else is returned unchanged. */
export function explainFsError(err: unknown, path: string): unknown {
  if (err instanceof UserError) return err;
  const code = errnoOf(err);
  if (!code || !code.startsWith('E')) return err;
  return new UserError(`${path}: ${ERRNO_MESSAGES[code] ?? `cannot be used (${code})`}`);
}

/** Read a whole file; errno becomes a UserError naming it. */
export async function readUserFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw explainFsError(err, path);
  }
}

/** Read a text file; errno becomes a UserError naming it. */
export async function readUserText(path: string): Promise<string> {
  return new TextDecoder().decode(await readUserFile(path));
}
