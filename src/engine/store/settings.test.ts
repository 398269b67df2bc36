import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FileOps, realFileOps } from './atomic.ts';
import { SettingsFile } from './settings.ts';
import { readBundledManifest } from '../model/bundled.ts';
import { UserError } from '../errors.ts';

const folder = () => mkdtempSync(join(tmpdir(), 'settings-'));

describe('settings.json', () => {
  it('keeps a valid choice and reads anything else as the defaults, never as a path', async () => {
    const dir = folder();
    const settings = new SettingsFile(dir);
    expect(settings.read()).toEqual({ activeModel: 'bundled' });
    await settings.write({ activeModel: '20261127-203000-1a2b' });
    expect(new SettingsFile(dir).read()).toEqual({ activeModel: '20261127-203000-1a2b' });
    for (const text of ['{"activeModel":"../../outside"}', '{"activeModel":".."}', '{"activeModel":7}', '[1,2]', 'not json']) {
      writeFileSync(settings.path, text);
      expect(settings.read()).toEqual({ activeModel: 'bundled' });
    }
  });

  it('reports a write that fails as one line naming the file', async () => {
    const readOnly: FileOps = { ...realFileOps, writeFile: async () => Promise.reject(Object.assign(new Error('EROFS'), { code: 'EROFS' })) };
    const settings = new SettingsFile(folder(), readOnly);
    const error = await settings.write({ activeModel: 'bundled' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(`${settings.path}: the file system is read-only`);
  });
});

describe('the bundled manifest', () => {
  it('reads the shipped one, and a manifest that does not match its schema as none', () => {
    expect(readBundledManifest()).toMatchObject({ testAccuracy: expect.any(Number), totalParams: 61706 });
    const dir = folder();
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ testAccuracy: '98%' }));
    expect(readBundledManifest(dir)).toBeNull();
    writeFileSync(join(dir, 'manifest.json'), '{"test');
    expect(readBundledManifest(dir)).toBeNull();
  });
});
