// Issue 31, items 1 and 5: data sets in the store: re-importing adds nothing twice, names stay inside the store,
// the caps hold under parallel imports, and a kill at any step of an import or a delete loses nothing.
import { existsSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_SETS } from '../../shared/datasets.ts';
import { PIXELS } from '../../shared/mnist.ts';
import type { FolderRead } from '../data/image-folder.ts';
import { killedAt } from '../testing/killed.ts';
import { DataSetStore } from './data-sets.ts';

const root = () => join(mkdtempSync(join(tmpdir(), 'sets-')), 'data-sets');

/** A folder's read of `count` distinct images, from `from` on. */
function folderRead(count: number, from = 0): FolderRead {
  const pixels = new Uint8Array(count * PIXELS);
  for (let k = 0; k < count; k++) pixels[k * PIXELS + ((from + k) % PIXELS)] = 1 + Math.floor((from + k) / PIXELS);
  return {
    split: { count, pixels, labels: Uint8Array.from({ length: count }, (_, k) => (from + k) % 10) },
    files: Array.from({ length: count }, (_, k) => `${(from + k) % 10}/${from + k}.png`),
    skipped: [{ file: 'notes.txt', reason: 'not inside a digit folder (0/ … 9/)' }],
  };
}

describe('data sets in the store', () => {
  it('adds nothing twice when the same folder is imported again', async () => {
    const store = new DataSetStore(root());
    expect(await store.import('class 3B', folderRead(12), '/scans')).toMatchObject({ samples: 12, added: 12, duplicates: 0, count: 12 });
    expect(await store.import('class 3B', folderRead(12), '/scans')).toMatchObject({ samples: 12, added: 0, duplicates: 12, count: 12 });
    expect(await store.import('class 3B', folderRead(15, 10), '/more')).toMatchObject({ added: 13, duplicates: 2, count: 25 });
    const { header, split } = await store.read('class 3B');
    expect(split.count).toBe(25);
    expect(header.files.slice(10, 13)).toEqual(['0/10.png', '1/11.png', '2/12.png']);
    expect(Buffer.from(split.pixels.subarray(0, 12 * PIXELS)).equals(Buffer.from(folderRead(12).split.pixels))).toBe(true);
    expect(await store.list()).toEqual({
      sets: [{ name: 'class 3B', count: 25, perDigit: [3, 3, 3, 3, 3, 2, 2, 2, 2, 2], updatedAt: header.updatedAt }],
      unreadable: [],
    });
  });

  it('confines names to the store', async () => {
    const store = new DataSetStore(root());
    for (const name of ['../escape', '/etc/passwd', 'a/b', '', '.hidden', 'x'.repeat(41), 'trailing ', 'nul\u0000']) {
      await expect(store.import(name, folderRead(1), '/x')).rejects.toThrow(/a data set name has 1 to 40 letters, digits, spaces, - or _/);
    }
    await expect(store.read('..')).rejects.toThrow(/a data set name/);
    expect(existsSync(store.root)).toBe(false);
  });

  it(`holds at most ${MAX_SETS} data sets, even when imported in parallel`, async () => {
    const store = new DataSetStore(root());
    const results = await Promise.allSettled(Array.from({ length: MAX_SETS + 3 }, (_, k) => store.import(`set ${k}`, folderRead(1), '/x')));
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.message)).toEqual(
      Array(3).fill(`the studio holds at most ${MAX_SETS} data sets; delete one to import another`),
    );
    expect((await store.list()).sets).toHaveLength(MAX_SETS);
  });

  it('keeps one copy of each image under parallel imports of one folder', async () => {
    const store = new DataSetStore(root());
    await Promise.all([1, 2, 3, 4].map(() => store.import('mine', folderRead(20), '/x')));
    expect((await store.read('mine')).split.count).toBe(20);
  });

  it('names a damaged file instead of failing the list', async () => {
    const store = new DataSetStore(root());
    await store.import('good', folderRead(3), '/x');
    writeFileSync(join(store.root, 'bad.set'), 'DSET\u0005\u0000\u0000\u0000{"no');
    const { sets, unreadable } = await store.list();
    expect(sets.map((s) => s.name)).toEqual(['good']);
    expect(unreadable).toEqual([expect.stringMatching(/bad\.set: damaged \(its header runs past the file\)$/)]);
  });
});

describe('a kill during an import or a delete', () => {
  it('leaves the data set as it was or as imported, never part of it, at every step of an import', async () => {
    for (let step = 1; step <= 4; step++) {
      const dir = root();
      await new DataSetStore(dir).import('mine', folderRead(5), '/x');
      const killed = new DataSetStore(dir, killedAt(step));
      const outcome = await killed.import('mine', folderRead(10, 5), '/y').then(
        () => 'imported',
        (err: Error) => err.message,
      );
      const store = new DataSetStore(dir);
      const count = (await store.read('mine')).split.count;
      expect([5, 15], `killed at step ${step} (${outcome})`).toContain(count);
      if (outcome !== 'imported') expect(count).toBe(5);
      // What the kill left behind is swept at the next open.
      for (const name of readdirSync(dir).filter((n) => n.startsWith('.'))) utimesSync(join(dir, name), new Date(0), new Date(0));
      await store.sweep();
      expect(readdirSync(dir)).toEqual(['mine.set']);
    }
  });

  it('leaves a new data set absent or whole', async () => {
    for (let step = 1; step <= 4; step++) {
      const dir = root();
      const outcome = await new DataSetStore(dir, killedAt(step)).import('new', folderRead(7), '/x').then(
        () => 'imported',
        () => 'killed',
      );
      const { sets } = await new DataSetStore(dir).list();
      expect(sets.map((s) => s.count)).toEqual(outcome === 'imported' ? [7] : []);
    }
  });

  it('leaves a deleted data set whole or gone', async () => {
    const dir = root();
    await new DataSetStore(dir).import('mine', folderRead(5), '/x');
    await expect(new DataSetStore(dir, killedAt(1)).remove('mine')).rejects.toThrow('killed');
    expect((await new DataSetStore(dir).read('mine')).split.count).toBe(5);
    expect(await new DataSetStore(dir).remove('mine')).toBe(true);
    expect((await new DataSetStore(dir).list()).sets).toEqual([]);
    expect(await new DataSetStore(dir).remove('mine')).toBe(false);
  });
});
