import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { aboutText, menuTemplate } from './menu.ts';

const actions = () => ({
  importModel: vi.fn(),
  exportModel: vi.fn(),
  importDigits: vi.fn(),
  exportDigits: vi.fn(),
  openDataFolder: vi.fn(),
  about: vi.fn(),
});
const submenu = (item: MenuItemConstructorOptions) => item.submenu as MenuItemConstructorOptions[];
const roles = (item: MenuItemConstructorOptions) => submenu(item).map((i) => i.role ?? i.label ?? i.type);

describe('application menu', () => {
  it('has File, Edit, View, Window and Help; File items call their actions', () => {
    const a = actions();
    const menu = menuTemplate({ isMac: false, isDev: false }, a);
    expect(menu.map((m) => m.label ?? m.role)).toEqual(['File', 'Edit', 'View', 'windowMenu', 'help']);
    const file = submenu(menu[0]);
    expect(roles(menu[0])).toEqual([
      'Import Model…',
      'Export Model…',
      'separator',
      'Import My Digits…',
      'Export My Digits…',
      'separator',
      'Open Data Folder',
      'separator',
      'quit',
    ]);
    for (const item of file) (item.click as (() => void) | undefined)?.();
    expect([a.importModel, a.exportModel, a.importDigits, a.exportDigits, a.openDataFolder].map((f) => f.mock.calls.length)).toEqual([1, 1, 1, 1, 1]);
    expect(roles(menu[1])).toEqual(['undo', 'redo', 'separator', 'cut', 'copy', 'paste', 'selectAll']);
    (submenu(menu[4])[0].click as () => void)();
    expect(a.about).toHaveBeenCalledOnce();
  });

  it('offers reload and developer tools only in development', () => {
    const view = (isDev: boolean) => roles(menuTemplate({ isMac: false, isDev }, actions())[2]);
    expect(view(true)).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
    expect(view(false)).not.toContain('toggleDevTools');
    expect(view(false)).not.toContain('reload');
  });

  it('starts with the app menu on macOS', () => {
    expect(menuTemplate({ isMac: true, isDev: false }, actions())[0]).toEqual({ role: 'appMenu' });
  });

  it('about names the version, the engine backend and the runtimes', () => {
    const text = aboutText('0.1.0', 'wasm fallback', { ...process.versions, electron: '45.5.0', chrome: '140.0' });
    expect(text).toContain('Digit Studio 0.1.0');
    expect(text).toContain('Engine backend: wasm fallback');
    expect(text).toContain('Electron 45.5.0 · Chromium 140.0 · Node.js');
  });
});
