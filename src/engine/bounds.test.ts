// Issue 19, findings 5, 8, 11 and 13: what the engine bounds and how it reports failures.
import { chmodSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunNameSchema, RunNotesSchema } from '../shared/contract.ts';
import { dispatch } from './dispatch.ts';
import { failureLine } from './log.ts';
import { bundledModelDir } from './model/bundled.ts';
import { Studio } from './studio.ts';
import type { ModelFiles } from '../shared/contract.ts';

let studio: Studio;
let userDir: string;
beforeAll(async () => {
  userDir = mkdtempSync(join(tmpdir(), 'user-'));
  studio = await Studio.open({ userDir, transport: 'websocket', version: 'test' });
});
afterAll(() => studio.close());

describe('names and notes (finding 13)', () => {
  it('strips NUL, ESC and the direction overrides from run names, and keeps line breaks in notes only', () => {
    expect(RunNameSchema.parse('lenet\u0000 \u001b[31mred\u202e5tenel\n')).toBe('lenet [31mred5tenel');
    expect(RunNotesSchema.parse('first line\nsecond\u0007\tend')).toBe('first line\nsecond\tend');
  });
});

describe('logs (finding 11)', () => {
  it('gives one line per failure, and the stack only under DIGIT_STUDIO_DEBUG', () => {
    const err = new Error('boom');
    expect(failureLine('digit-studio', 'model:explain failed', err, false).split('\n')).toHaveLength(1);
    expect(failureLine('digit-studio', 'model:explain failed', err, true).split('\n').length).toBeGreaterThan(1);
  });
});

describe('models over the contract (findings 5 and 11)', () => {
  it('takes one model import at a time', async () => {
    const exported = await dispatch(studio, 'model:export', undefined);
    if (!exported.ok) throw new Error(exported.error);
    const { files } = exported.value as ModelFiles;
    const [first, second] = await Promise.all([dispatch(studio, 'model:import', { files }), dispatch(studio, 'model:import', { files })]);
    expect(first.ok).toBe(true);
    expect(second).toEqual({ ok: false, error: 'another model import is under way; import this one when it has finished' });
    // Once the first is done, another goes through.
    expect((await dispatch(studio, 'model:import', { files })).ok).toBe(true);
  });

  it('exports straight from the model folder, so a read-only user folder does not matter', async () => {
    await dispatch(studio, 'runs:activate', { id: 'bundled' });
    const before = readdirSync(userDir);
    chmodSync(userDir, 0o555);
    try {
      const reply = await dispatch(studio, 'model:export', undefined);
      expect(reply.ok).toBe(true);
      const { files } = (reply as { value: ModelFiles }).value;
      expect(files.map((f) => f.name)).toEqual(['model.json', 'weights.bin', 'manifest.json']);
      // The bytes of the model's own folder (the bundled model here), not a copy written again through tfjs.
      expect(Buffer.from(files[0].base64, 'base64').equals(readFileSync(join(bundledModelDir(), 'model.json')))).toBe(true);
    } finally {
      chmodSync(userDir, 0o755);
    }
    expect(readdirSync(userDir)).toEqual(before);
  });

  it('names the user folder when an import cannot make its temporary folder (read-only home)', async () => {
    const exported = await dispatch(studio, 'model:export', undefined);
    const { files } = (exported as { value: ModelFiles }).value;
    chmodSync(userDir, 0o555);
    try {
      const reply = await dispatch(studio, 'model:import', { files });
      // Root ignores permissions; everywhere else the folder is named.
      if (!reply.ok) expect(reply.error).toMatch(new RegExp(`^${userDir}: (permission denied|the file system is read-only)$`));
    } finally {
      chmodSync(userDir, 0o755);
    }
  });
});
