// Issue 19, findings 3, 7 and 10, and issue 18, finding 14: imports of my digits are all or nothing, skip
// what the collection already holds, a kill's leftovers are repaired at open, and the collection is bounded.
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DrawingSchema, MAX_DIGITS, MAX_DRAWING_POINTS } from '../../shared/digits.ts';
import { PIXELS } from '../../shared/mnist.ts';
import type { Split } from '../data/dataset.ts';
import { holdOut } from '../training/finetune.ts';
import { DigitStore, MAX_DIGIT_FILE_BYTES } from './digits.ts';

const root = () => join(mkdtempSync(join(tmpdir(), 'digits-')), 'digits');

/** `count` digits whose fields differ (a bar at a column) unless `same`. */
function split(count: number, same = false): Split {
  const pixels = new Uint8Array(count * PIXELS);
  for (let k = 0; k < count; k++)
    for (let row = 0; row < 28; row++) pixels[k * PIXELS + row * 28 + (same ? 5 : k % 28)] = same ? 50 : 200 + Math.floor(k / 28);
  return { count, pixels, labels: Uint8Array.from({ length: count }, () => 1) };
}

describe('importing my digits', () => {
  it('skips the digits the collection already holds, and copies within the import (issue 18, finding 14)', async () => {
    const store = new DigitStore(root());
    expect(await store.append(split(16))).toEqual({ added: 16, skipped: 0 });
    expect(await store.append(await store.split())).toEqual({ added: 0, skipped: 16 });
    expect(await store.append(split(3, true))).toEqual({ added: 1, skipped: 2 });
    expect((await store.readAll()).digits).toHaveLength(17);
  });

  it('finishes an import killed while moving its complete files into place, at open (finding 10)', async () => {
    const dir = root();
    const store = new DigitStore(dir);
    await store.append(split(2));
    // What a kill after staging and before the moves leaves: a ready folder of digit files.
    const staged = new DigitStore(join(dir, '.import-0badf00d.ready'));
    await staged.append({ ...split(5), labels: Uint8Array.from([2, 2, 2, 2, 2]) });
    expect((await store.readAll()).digits).toHaveLength(2);
    expect(await store.sweep()).toEqual({ finished: 1, dropped: 0, temporary: 0 });
    expect((await store.readAll()).digits).toHaveLength(7);
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('drops an import killed while staging, and old temporary files, at open (finding 10)', async () => {
    const dir = root();
    const store = new DigitStore(dir);
    await store.append(split(2));
    mkdirSync(join(dir, '.import-0badf00d'));
    writeFileSync(join(dir, '.import-0badf00d', 'd-0123456789ab.json'), '{"half');
    writeFileSync(join(dir, '.d-0123456789ab.json.tmp-0badf00d'), '{"half');
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(join(dir, '.d-0123456789ab.json.tmp-0badf00d'), old, old);
    writeFileSync(join(dir, '.d-0123456789ac.json.tmp-0badf00e'), '{"a save in progress');
    expect(await store.sweep()).toEqual({ finished: 0, dropped: 1, temporary: 1 });
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual(['.d-0123456789ac.json.tmp-0badf00e']);
    expect((await store.readAll()).digits).toHaveLength(2);
  });

  it(`holds at most ${MAX_DIGITS.toLocaleString('en-US')} digits: a larger import is refused whole (finding 7)`, async () => {
    const dir = root();
    const store = new DigitStore(dir);
    mkdirSync(dir, { recursive: true });
    for (let k = 0; k < MAX_DIGITS - 1; k++) writeFileSync(join(dir, `d-${k.toString(16).padStart(12, '0')}.json`), '');
    await expect(store.append(split(2))).rejects.toThrow('my digits hold at most 5,000; there are 4,999, and this would add 2');
    expect(readdirSync(dir)).toHaveLength(MAX_DIGITS - 1);
  });
});

describe('the size of a digit (finding 3)', () => {
  it(`refuses a drawing of more than ${MAX_DRAWING_POINTS.toLocaleString('en-US')} points`, () => {
    const points = Array.from({ length: 4_000 }, (_, i) => [i % 100, i % 50] as [number, number]);
    const drawing = {
      strokes: Array.from({ length: 6 }, () => ({ width: 4, points })),
      canvas: { width: 100, height: 100 },
      png: '',
      field: Array(PIXELS).fill(0),
    };
    const parsed = DrawingSchema.safeParse(drawing);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].message).toBe('a drawing holds at most 20,000 points');
  });

  it("reads no digit file larger than a drawing's limits allow", async () => {
    const dir = root();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'd-0123456789ab.json'), new Uint8Array(MAX_DIGIT_FILE_BYTES + 1));
    const { digits, unreadable } = await new DigitStore(dir).readAll();
    expect(digits).toEqual([]);
    expect(unreadable[0].problem).toMatch(/d-0123456789ab\.json: 8\.0 MB; a digit's file holds at most 8 MB$/);
  });
});

describe('holding out my digits (issue 18, finding 14)', () => {
  it('never splits identical fields between the training and the held-out share', () => {
    // Ten distinct digits, each twice.
    const twice = split(10);
    const both: Split = { count: 20, pixels: new Uint8Array([...twice.pixels, ...twice.pixels]), labels: new Uint8Array(20).fill(1) };
    for (const seed of [1, 2, 3, 4, 5]) {
      const { train, heldOut } = holdOut(both, 0.3, seed);
      const fields = (s: Split) =>
        new Set(Array.from({ length: s.count }, (_, k) => Buffer.from(s.pixels.subarray(k * PIXELS, (k + 1) * PIXELS)).toString('base64')));
      const trained = fields(train);
      expect([...fields(heldOut)].filter((f) => trained.has(f))).toEqual([]);
      expect(heldOut.count).toBe(6);
    }
  });
});
