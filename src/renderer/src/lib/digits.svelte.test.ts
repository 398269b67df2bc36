// My digits read page by page: a collection larger than one reply arrives whole, in order.
import { describe, expect, it } from 'vitest';
import { DIGITS_PAGE, type MyDigit } from '../../../shared/digits';
import { PIXELS } from '../../../shared/mnist';
import { fakeEngine } from '../testing/fake-api';
import { MyDigitsState } from './digits.svelte';

describe('my digits in the window', () => {
  it('reads a collection of 2½ pages whole, each page asked from where the last ended', async () => {
    const held: MyDigit[] = Array.from({ length: DIGITS_PAGE * 2 + 500 }, (_, k) => ({
      id: `d-${k.toString(16).padStart(12, '0')}`,
      label: k % 10,
      createdAt: new Date(Date.UTC(2026, 0, 1) - k * 1000).toISOString(),
    }));
    const api = fakeEngine();
    const offsets: number[] = [];
    api.handle('digits:list', (payload) => {
      const { offset } = payload as { offset: number };
      offsets.push(offset);
      const page = held.slice(offset, offset + DIGITS_PAGE);
      const pixels = new Uint8Array(page.length * PIXELS);
      page.forEach((_, k) => (pixels[k * PIXELS] = (offset + k) % 256));
      return { total: held.length, digits: page, pixels: btoa(Array.from(pixels, (v) => String.fromCharCode(v)).join('')) };
    });
    const state = new MyDigitsState(api, () => true);
    await state.load();
    expect(offsets).toEqual([0, DIGITS_PAGE, DIGITS_PAGE * 2]);
    expect(state.entries.map((e) => e.id)).toEqual(held.map((d) => d.id));
    expect(state.entries[DIGITS_PAGE + 3].pixels[0]).toBe((DIGITS_PAGE + 3) % 256);
  });
});
