// The one user-facing error type, and the one way to turn a file-system failure into a message that names
// the file. Transports turn a UserError into `{ ok: false, error }`; the command line into exit code 2.
import { readFile, stat } from 'node:fs/promises';

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

/** The largest file read whole unless a caller allows more: far above any PNG, spec, manifest or model.json. */
export const MAX_USER_FILE_BYTES = 64 * 1024 ** 2;

const megabytes = (bytes: number) => `${Number((bytes / 1024 ** 2).toFixed(1)).toLocaleString('en-US')} MB`;

/**
 * Read a whole file; errno becomes a UserError naming it. Only a regular file of at most `maxBytes` is read,
 * checked by stat before it is opened: a FIFO would block the read for ever and /dev/zero never ends.
 */
export async function readUserFile(path: string, maxBytes = MAX_USER_FILE_BYTES): Promise<Uint8Array> {
  try {
    await checkUserFile(path, maxBytes);
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw explainFsError(err, path);
  }
}

/** Refuse, by `stat` alone, what readUserFile would not read: a folder, a device or pipe, or a file over `maxBytes`. */
export async function checkUserFile(path: string, maxBytes = MAX_USER_FILE_BYTES): Promise<void> {
  const info = await stat(path);
  if (info.isDirectory()) throw new UserError(`${path}: ${ERRNO_MESSAGES.EISDIR}`);
  if (!info.isFile()) throw new UserError(`${path}: not a regular file (a device, pipe or socket); the studio reads files only`);
  if (info.size > maxBytes) throw new UserError(`${path}: ${megabytes(info.size)}; the studio reads files of at most ${megabytes(maxBytes)} here`);
}

/** Read a text file of at most `maxBytes`; errno becomes a UserError naming it. */
export async function readUserText(path: string, maxBytes = MAX_USER_FILE_BYTES): Promise<string> {
  return new TextDecoder().decode(await readUserFile(path, maxBytes));
}
