import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { killedAt } from '../testing/killed.ts';
import { DigitStore } from './digits.ts';
import { UserError } from '../errors.ts';
import { PIXELS } from '../../shared/mnist.ts';
import { MAX_DIGITS } from '../../shared/digits.ts';
import { mkdirSync } from 'node:fs';

const root = () => join(mkdtempSync(join(tmpdir(), 'digits-')), 'digits');

/** A drawing whose field is a vertical bar at column `column`. */
const drawing = (column = 14) => ({
  strokes: [{ width: 12, points: [[100, 20] as [number, number], [100, 180] as [number, number]] }],
  canvas: { width: 200, height: 200 },
  png: Buffer.from('not really a png').toString('base64'),
  field: Array.from({ length: PIXELS }, (_, i) => (i % 28 === column ? 1 : i % 28 === column + 1 ? 0.5 : 0)),
});

/** A split of `count` distinct digits (each its own field). */
const distinct = (count: number, from = 0) => {
  const pixels = new Uint8Array(count * PIXELS);
  for (let k = 0; k < count; k++) pixels[k * PIXELS + ((from + k) % PIXELS)] = 1 + Math.floor((from + k) / PIXELS);
  return { count, pixels, labels: new Uint8Array(count) };
};

describe('my digits under concurrent writes', () => {
  it('64 parallel saves at 4,990 stop at the cap, refusing the rest by name', async () => {
    const dir = root();
    mkdirSync(dir, { recursive: true });
    // The cap counts files by name: placeholders stand in for 4,990 saved digits.
    for (let k = 0; k < MAX_DIGITS - 10; k++) writeFileSync(join(dir, `d-${k.toString(16).padStart(12, '0')}.json`), '');
    const store = new DigitStore(dir);
    const saves = await Promise.allSettled(Array.from({ length: 64 }, (_, k) => store.add(k % 10, drawing(k % 20))));
    expect(saves.filter((s) => s.status === 'fulfilled')).toHaveLength(10);
    expect(readdirSync(dir).filter((n) => n.endsWith('.json'))).toHaveLength(MAX_DIGITS);
    const refused = saves.find((s): s is PromiseRejectedResult => s.status === 'rejected')!;
    expect(refused.reason.message).toMatch(/^my digits hold at most 5,000; there are 5,000/);
  });

  it('parallel imports of one file add its digits once, and parallel imports past the cap are refused', async () => {
    const store = new DigitStore(root());
    const results = await Promise.all(Array.from({ length: 4 }, () => store.append(distinct(100))));
    expect(results.map((r) => r.added).sort()).toEqual([0, 0, 0, 100]);
    expect((await store.readAll()).digits).toHaveLength(100);
    // The cap counts files by name: placeholders stand in for 4,840 more saved digits; of three imports of 60, one fits.
    for (let k = 0; k < MAX_DIGITS - 160; k++) writeFileSync(join(store.root, `d-${k.toString(16).padStart(12, '0')}.json`), '');
    const big = await Promise.allSettled([1, 2, 3].map((k) => store.append(distinct(60, k * 100))));
    expect(big.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(readdirSync(store.root).filter((n) => n.endsWith('.json'))).toHaveLength(MAX_DIGITS);
  });
});

describe('my digits store', () => {
  it('saves a digit and reads back its label, strokes, canvas, image and field (as bytes)', async () => {
    const store = new DigitStore(root());
    const saved = await store.add(7, drawing());
    expect(saved.id).toMatch(/^d-[0-9a-f]{12}$/);
    const { digits, unreadable } = await store.readAll();
    expect(unreadable).toEqual([]);
    expect(digits).toHaveLength(1);
    const [back] = digits;
    expect(back).toMatchObject({
      id: saved.id,
      label: 7,
      createdAt: saved.createdAt,
      strokes: drawing().strokes,
      canvas: drawing().canvas,
      png: drawing().png,
    });
    expect(Array.from(back.pixels)).toEqual(drawing().field.map((v) => Math.round(v * 255)));
  });

  it('lists newest first, relabels, and deletes', async () => {
    const store = new DigitStore(root());
    const first = await store.add(1, drawing(3), new Date('2026-01-01T00:00:00Z'));
    const second = await store.add(2, drawing(5), new Date('2026-01-02T00:00:00Z'));
    expect((await store.readAll()).digits.map((d) => d.id)).toEqual([second.id, first.id]);
    expect((await store.relabel(first.id, 4)).label).toBe(4);
    expect((await store.read(first.id)).label).toBe(4);
    expect(await store.remove(second.id)).toBe(true);
    expect(await store.remove(second.id)).toBe(false);
    expect((await store.readAll()).digits.map((d) => [d.id, d.label])).toEqual([[first.id, 4]]);
    await expect(store.relabel(second.id, 3)).rejects.toThrow(`there is no digit ${second.id}`);
  });

  it('refuses an id that is not of the pattern, so no path leaves the folder', async () => {
    const store = new DigitStore(root());
    for (const id of ['../runs', 'd-0123', 'd-0123456789AB', '/etc/passwd', 'd-0123456789ab/../x']) {
      expect(() => store.path(id)).toThrow(UserError);
      await expect(store.relabel(id, 1)).rejects.toThrow(/digit id .* is not valid/);
      await expect(store.remove(id)).rejects.toThrow(/is not valid/);
    }
  });

  it('reports an unreadable file beside the readable digits, and leaves it on disk', async () => {
    const dir = root();
    const store = new DigitStore(dir);
    const good = await store.add(3, drawing());
    writeFileSync(join(dir, 'd-000000000000.json'), '{"label": 3');
    writeFileSync(join(dir, 'd-111111111111.json'), JSON.stringify({ label: 12 }));
    writeFileSync(join(dir, 'notes.txt'), 'not a digit');
    const { digits, unreadable } = await store.readAll();
    expect(digits.map((d) => d.id)).toEqual([good.id]);
    expect(unreadable.map((u) => u.problem).sort()).toEqual([
      expect.stringMatching(/d-000000000000\.json: not valid JSON$/),
      expect.stringMatching(/d-111111111111\.json: label: .*createdAt/),
    ]);
    expect(readdirSync(dir)).toHaveLength(4);
  });

  it('an empty or missing folder is an empty collection', async () => {
    expect(await new DigitStore(root()).readAll()).toEqual({ digits: [], unreadable: [] });
  });

  it('lists two digits saved within one millisecond newest first', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-28T12:00:00Z') });
    try {
      const store = new DigitStore(root());
      await store.add(1, drawing());
      await store.add(2, drawing());
      await store.add(3, drawing());
      const { digits } = await store.readAll();
      expect(digits.map((d) => d.label)).toEqual([3, 2, 1]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('after a crash at any step of a save or a relabel, the collection reads whole with the old or the new state', async () => {
    const outcomes = new Set<string>();
    for (const action of ['save', 'relabel'] as const) {
      for (let n = 1; ; n++) {
        const dir = root();
        const setUp = new DigitStore(dir);
        const existing = await setUp.add(5, drawing());
        const store = new DigitStore(dir, killedAt(n));
        const finished = await (action === 'save' ? store.add(6, drawing(20)) : store.relabel(existing.id, 8)).then(
          () => true,
          (err: Error) => (expect(err.message).toMatch(/killed/), false),
        );
        const { digits, unreadable } = await new DigitStore(dir).readAll();
        expect(unreadable, `crash at step ${n} of a ${action}`).toEqual([]);
        const state = digits.map((d) => d.label).join(',');
        const [before, after] = action === 'save' ? ['5', '6,5'] : ['5', '8'];
        expect([before, after], `crash at step ${n} of a ${action}`).toContain(state);
        if (finished) expect(state).toBe(after);
        outcomes.add(`${action}:${state === after ? 'new' : 'old'}`);
        if (finished) break;
      }
    }
    // Both outcomes were seen for both actions: the crashes did land at different steps.
    expect([...outcomes].sort()).toEqual(['relabel:new', 'relabel:old', 'save:new', 'save:old']);
  });
});
