import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isVisibleOn, readWindowState, saveWindowState } from './window-state.ts';

const path = () => join(mkdtempSync(join(tmpdir(), 'window-state-')), 'sub', 'window-state.json');
const state = { x: 100, y: 80, width: 1200, height: 800, maximized: false };

describe('window state', () => {
  it('round-trips through an atomically written file', async () => {
    const file = path();
    await saveWindowState(file, state);
    expect(readWindowState(file)).toEqual(state);
    expect(readdirSync(join(file, '..'))).toEqual(['window-state.json']);
  });

  it('reads a missing, garbled or out-of-range file as no state', () => {
    const file = path();
    expect(readWindowState(file)).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'window-state-'));
    for (const content of ['{ torn', JSON.stringify({ ...state, width: 10 }), JSON.stringify({ ...state, x: 'left' }), '[]']) {
      writeFileSync(join(dir, 'w.json'), content);
      expect(readWindowState(join(dir, 'w.json')), content).toBeNull();
    }
  });

  it('is restored only where its title bar can still be grabbed', () => {
    const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    expect(isVisibleOn(state, screen)).toBe(true);
    expect(isVisibleOn({ ...state, x: 2500 }, screen)).toBe(false);
    expect(isVisibleOn({ ...state, y: -200 }, screen)).toBe(false);
    expect(isVisibleOn({ ...state, x: 2500 }, [...screen, { x: 1920, y: 0, width: 1920, height: 1080 }])).toBe(true);
  });
});
