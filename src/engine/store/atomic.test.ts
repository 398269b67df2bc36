// Every rename that commits a checkpoint, a record or a digit comes after its data reached the disk (fsync).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FileOps, realFileOps } from './atomic.ts';
import { RunStore } from './runs.ts';
import { DigitStore } from './digits.ts';
import { initBackend } from '../runtime/backend.ts';
import { createModel, createOptimizer } from '../model/model.ts';
import { defaultSpec } from '../../shared/spec.ts';
import { PIXELS } from '../../shared/mnist.ts';

beforeAll(async () => {
  await initBackend({ want: 'wasm' });
});

/** Real file operations that log each sync and rename, relative to `root`. */
function logged(root: string): { fs: FileOps; log: string[] } {
  const log: string[] = [];
  const name = (p: string) => relative(root, p).replace(/\.tmp-[0-9a-f]{8}/g, '.tmp');
  return {
    log,
    fs: {
      ...realFileOps,
      sync: async (p) => (log.push(`sync ${name(p)}`), realFileOps.sync!(p)),
      rename: async (a, b) => (log.push(`rename ${name(a)} -> ${name(b)}`), realFileOps.rename(a, b)),
    },
  };
}

/** Each rename in `log` whose source is `path`, or a file or folder inside it, was synced before it. */
function syncedBeforeRename(log: string[]): void {
  const renames = log.filter((line) => line.startsWith('rename '));
  expect(renames.length).toBeGreaterThan(0);
  for (const rename of renames) {
    const from = rename.slice('rename '.length).split(' -> ')[0];
    const before = log.slice(0, log.indexOf(rename));
    expect(before, `${from} synced before its rename`).toContain(`sync ${from}`);
  }
}

describe('fsync before each rename that commits', () => {
  it('a checkpoint (every file in it) and the record', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runs-'));
    const { fs, log } = logged(root);
    const store = new RunStore(root, fs);
    const spec = { ...defaultSpec(), dense: [8] };
    const record = await store.create({ spec, dataDir: 'mnist', backend: 'wasm' });
    await store.saveCheckpoint({ ...record, epochsDone: 1 }, createModel(spec), createOptimizer(spec));
    syncedBeforeRename(log);
    const checkpoint = log.find((l) => /^rename .*ckpt-0001-[0-9a-f]{4}\.tmp -> /.test(l))!;
    const folder = checkpoint.split(' ')[1];
    for (const file of ['model.json', 'weights.bin', 'optimizer.json', 'optimizer.bin', 'record.json'])
      expect(log.slice(0, log.indexOf(checkpoint))).toContain(`sync ${join(folder, file)}`);
  });

  it('a digit, saved or imported', async () => {
    const root = mkdtempSync(join(tmpdir(), 'digits-'));
    const { fs, log } = logged(root);
    const store = new DigitStore(root, fs);
    const field = Array.from({ length: PIXELS }, (_, i) => (i === 400 ? 1 : 0));
    await store.add(3, { strokes: [], canvas: { width: 28, height: 28 }, png: '', field });
    syncedBeforeRename(log);
    log.length = 0;
    const pixels = new Uint8Array(PIXELS * 2).fill(9);
    await store.append({ count: 2, pixels, labels: new Uint8Array([1, 2]) });
    expect(log.filter((l) => l.startsWith('sync ') && l.endsWith('.json'))).toHaveLength(2);
  });
});
