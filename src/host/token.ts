// Browser mode's access token, kept per home folder: a host started again for the same folder takes the same
// token, so that an open page reconnects ("Try again") instead of being locked out by a new one.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newToken } from './security.ts';

/** The token's file in the home folder, readable by its owner alone. */
export const TOKEN_FILE = 'host-token';
const TOKEN_PATTERN = /^[0-9a-f]{48}$/;

/** The token kept in `userDir`, made (and kept) on first use; a fresh one for this start when it cannot be kept. */
export function hostToken(userDir: string): string {
  const path = join(userDir, TOKEN_FILE);
  try {
    const kept = readFileSync(path, 'utf8').trim();
    if (TOKEN_PATTERN.test(kept)) return kept;
  } catch {
    // None yet (or unreadable): a new one is made below.
  }
  const token = newToken();
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(userDir, { recursive: true });
    writeFileSync(temporary, `${token}\n`, { mode: 0o600 });
    renameSync(temporary, path);
  } catch {
    // A read-only home still serves, with a token for this start only.
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Never made.
    }
  }
  return token;
}
