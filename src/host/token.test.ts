// Issue 26, item 5: a host started again for the same home folder takes the same token, so the page reconnects.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostToken, TOKEN_FILE } from './token.ts';

const home = () => mkdtempSync(join(tmpdir(), 'token-'));

describe('the host token', () => {
  it('is the same for the same home folder, another for another, and readable by its owner alone', () => {
    const dir = home();
    const token = hostToken(dir);
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    expect(hostToken(dir)).toBe(token);
    expect(hostToken(home())).not.toBe(token);
    expect(statSync(join(dir, TOKEN_FILE)).mode & 0o777).toBe(0o600);
  });

  it('replaces a kept token that is not one, and still serves from a home it cannot write', () => {
    const dir = home();
    writeFileSync(join(dir, TOKEN_FILE), 'short\n');
    const token = hostToken(dir);
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    expect(readFileSync(join(dir, TOKEN_FILE), 'utf8')).toBe(`${token}\n`);
    // A "home" under a plain file cannot be made, even by root.
    const blocked = join(dir, TOKEN_FILE, 'home');
    expect(hostToken(blocked)).toMatch(/^[0-9a-f]{48}$/);
    expect(hostToken(blocked)).not.toBe(hostToken(blocked));
  });
});
