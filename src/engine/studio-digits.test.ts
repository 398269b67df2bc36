// My digits over the contract: the handlers as the window calls them, through dispatch's validation.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from './dispatch.ts';
import { Studio } from './studio.ts';
import { PIXELS } from '../shared/mnist.ts';
import { DIGITS_PAGE } from '../shared/digits.ts';
import { toIdxPair } from './data/idx-pair.ts';

let studio: Studio;
let userDir: string;

beforeAll(async () => {
  userDir = mkdtempSync(join(tmpdir(), 'user-'));
  studio = await Studio.open({ userDir, transport: 'websocket', version: 'test' });
});
afterAll(() => studio.close());

const drawing = (value: number) => ({
  strokes: [{ width: 10, points: [[5, 5] as [number, number]] }],
  canvas: { width: 280, height: 280 },
  png: '',
  field: Array.from({ length: PIXELS }, (_, i) => (i === 300 ? value : 0)),
});

describe('my digits handlers', () => {
  it('save, list (newest first, pixels base64), relabel, delete, export and import', async () => {
    const a = await studio.handlers['digits:save']({ label: 3, drawing: drawing(1) });
    const b = await studio.handlers['digits:save']({ label: 4, drawing: drawing(0.5) });
    let list = await studio.handlers['digits:list']({ offset: 0 });
    expect(list.digits.map((d) => d.id)).toEqual([b.id, a.id]);
    const pixels = Buffer.from(list.pixels, 'base64');
    expect(pixels.length).toBe(2 * PIXELS);
    expect([pixels[300], pixels[PIXELS + 300]]).toEqual([128, 255]);
    expect(list.unreadable).toEqual([]);

    expect((await studio.handlers['digits:relabel']({ id: a.id, label: 9 })).label).toBe(9);
    const exported = await studio.handlers['digits:export'](undefined);
    expect(await studio.handlers['digits:delete']({ id: b.id })).toEqual({ deleted: true });
    // The digit still there is recognised by its content and skipped; the deleted one comes back.
    expect(await studio.handlers['digits:import'](exported)).toEqual({ added: 1, skipped: 1 });
    list = await studio.handlers['digits:list']({ offset: 0 });
    expect(list.digits.map((d) => d.label).sort()).toEqual([4, 9]);

    // Issue 18, finding 14: exporting and importing the same pair no longer doubles the collection.
    const folder = mkdtempSync(join(tmpdir(), 'export-'));
    expect(await studio.exportDigits(folder)).toBe(2);
    expect(await studio.importDigits(folder)).toBe(0);
    expect((await studio.handlers['digits:list']({ offset: 0 })).digits).toHaveLength(2);
  });

  it('refuses a bad id at the contract, and reports an unreadable file without failing the list', async () => {
    const reply = await dispatch(studio, 'digits:delete', { id: '../../etc' });
    expect(reply).toEqual({ ok: false, error: expect.stringContaining('a digit id looks like d-0123456789ab') });
    writeFileSync(join(userDir, 'digits', 'd-abcdefabcdef.json'), 'garbage');
    const list = await studio.handlers['digits:list']({ offset: 0 });
    expect(list.unreadable).toEqual([expect.stringContaining('d-abcdefabcdef.json: not valid JSON')]);
    expect(list.digits.length).toBeGreaterThan(0);
  });

  it('lists the collection in pages of DIGITS_PAGE, each with its total', async () => {
    const count = DIGITS_PAGE + 200;
    const pixels = new Uint8Array(count * PIXELS);
    for (let k = 0; k < count; k++) pixels[k * PIXELS + (k % PIXELS)] = 1 + Math.floor(k / PIXELS);
    const pair = toIdxPair({ count, pixels, labels: new Uint8Array(count).fill(5) });
    const before = (await studio.handlers['digits:list']({ offset: 0 })).total;
    expect((await studio.handlers['digits:import'](pair)).added).toBe(count);
    const first = await studio.handlers['digits:list']({ offset: 0 });
    expect([first.total, first.digits.length, Buffer.from(first.pixels, 'base64').length]).toEqual([
      before + count,
      DIGITS_PAGE,
      DIGITS_PAGE * PIXELS,
    ]);
    const rest = await studio.handlers['digits:list']({ offset: DIGITS_PAGE });
    expect(rest.digits).toHaveLength(before + count - DIGITS_PAGE);
    expect(new Set([...first.digits, ...rest.digits].map((d) => d.id)).size).toBe(before + count);
  });

  it('names a malformed pair on import', async () => {
    const reply = await dispatch(studio, 'digits:import', { images: Buffer.from('nope').toString('base64'), labels: '' });
    expect(reply).toEqual({ ok: false, error: expect.stringMatching(/^the images file: bad IDX magic number/) });
  });
});
