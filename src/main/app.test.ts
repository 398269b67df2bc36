// The shell put together, on a stand-in Electron: single instance, startup failure, the window, the menu,
// and quitting.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../engine/errors.ts';
import { Studio } from '../engine/studio.ts';
import { appUrlCheck, runApp } from './app.ts';
import { standInElectron, StandInWindow } from './testing/stand-in-electron.ts';

vi.mock('electron', () => ({ ipcMain: { handle: () => undefined, removeHandler: () => undefined } }));

const CSP = "default-src 'self'";
const MAIN_DIR = '/app/out/main';
let home: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'shell-'));
  vi.stubEnv('DIGIT_STUDIO_HOME', home);
});
afterEach(() => vi.unstubAllEnvs());

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the Electron shell', () => {
  it('a second launch quits at once, before opening anything', async () => {
    const { electron, record } = standInElectron({ lock: false });
    const openStudio = vi.fn();
    runApp(electron, { csp: CSP, mainDir: MAIN_DIR, openStudio });
    await settle();
    expect(record.quits).toBe(1);
    expect(openStudio).not.toHaveBeenCalled();
    expect(StandInWindow.all).toEqual([]);
  });

  it.each([
    [new UserError('/data/mnist: no such folder'), '/data/mnist: no such folder'],
    [
      new Error('no tfjs backend could start (tried tensorflow and wasm)\n    at choose (backend.ts:99)'),
      'no tfjs backend could start (tried tensorflow and wasm)',
    ],
  ])('a failed start shows one line in an error box and quits', async (error, line) => {
    const { electron, record, exited } = standInElectron();
    runApp(electron, { csp: CSP, mainDir: MAIN_DIR, openStudio: () => Promise.reject(error) });
    expect(await exited).toBe(1);
    expect(record.errorBoxes).toEqual([['Digit Studio could not start', line]]);
    expect(StandInWindow.all).toEqual([]);
  });

  it('opens one locked-down window with the menu; a second launch focuses it; quitting saves its place', async () => {
    const { electron, app, record, exited } = standInElectron();
    let studio: Studio | undefined;
    const openStudio = async (options: Parameters<typeof Studio.open>[0]) => (studio = await Studio.open(options));
    runApp(electron, { csp: CSP, mainDir: MAIN_DIR, openStudio });
    await vi.waitFor(() => expect(StandInWindow.all[0]?.loaded).toBe('/app/out/renderer/index.html'), { timeout: 60_000 });
    expect(studio).toBeDefined();

    const [window] = StandInWindow.all;
    expect(window.options).toMatchObject({ show: false, width: 1280, height: 860 });
    expect(window.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    const menu = record.menu as { label?: string }[];
    expect(menu.map((m) => m.label).filter(Boolean)).toEqual(['File', 'Edit', 'View']);

    // Every web contents gets the navigation guard.
    const listeners = new Map<string, (event: { url: string; preventDefault(): void }) => void>();
    const contents = { on: (name: string, listener: never) => listeners.set(name, listener), setWindowOpenHandler: () => undefined };
    app.emit('web-contents-created', {}, contents);
    const away = { url: 'https://example.com/', preventDefault: vi.fn() };
    listeners.get('will-redirect')!(away);
    expect(away.preventDefault).toHaveBeenCalled();

    app.emit('second-instance', {}, [], '/');
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(true);

    app.emit('before-quit', { preventDefault: () => undefined });
    expect(await exited).toBe(0);
    const saved = JSON.parse(readFileSync(join(home, 'window-state.json'), 'utf8'));
    expect(saved).toEqual({ x: 40, y: 30, width: 1280, height: 860, maximized: false });

    // The next start puts the window back where it was.
    const next = standInElectron();
    const reopened = next.electron;
    const openAgain = vi.fn(async () => studio!);
    runApp(reopened, { csp: CSP, mainDir: MAIN_DIR, openStudio: openAgain });
    await vi.waitFor(() => expect(StandInWindow.all[0]?.loaded).toBeTruthy());
    expect(StandInWindow.all[0].options).toMatchObject({ x: 40, y: 30, width: 1280, height: 860 });
    expect(existsSync(join(home, 'window-state.json'))).toBe(true);
  });
});

describe('a packaged app', () => {
  it('ignores ELECTRON_RENDERER_URL: it loads its own page, and a page at that address is not the app', async () => {
    const { electron, app } = standInElectron();
    Object.assign(app, { isPackaged: true });
    // A packaged app points DIGIT_STUDIO_RESOURCES at its resources: restored after the test.
    vi.stubEnv('DIGIT_STUDIO_RESOURCES', '');
    const studio = { onEvent: () => () => undefined, handlers: {}, close: async () => undefined } as unknown as Studio;
    runApp(electron, { csp: CSP, mainDir: MAIN_DIR, devServer: 'http://localhost:5173', openStudio: async () => studio });
    await vi.waitFor(() => expect(StandInWindow.all[0]?.loaded).toBeTruthy());
    expect(StandInWindow.all[0].loaded).toBe('/app/out/renderer/index.html');
    // The navigation guard treats the dev server as a foreign page.
    const listeners = new Map<string, (event: { url: string; preventDefault(): void }) => void>();
    const contents = { on: (name: string, listener: never) => listeners.set(name, listener), setWindowOpenHandler: () => undefined };
    app.emit('web-contents-created', {}, contents);
    const toDev = { url: 'http://localhost:5173/', preventDefault: vi.fn() };
    listeners.get('will-navigate')!(toDev);
    expect(toDev.preventDefault).toHaveBeenCalled();
  });
});

describe('the app page check', () => {
  it('accepts the built page (and its fragments) only, or the dev server in development', () => {
    const isApp = appUrlCheck('/app/out/renderer/index.html');
    expect(isApp('file:///app/out/renderer/index.html')).toBe(true);
    expect(isApp('file:///app/out/renderer/index.html#draw')).toBe(true);
    expect(isApp('file:///app/out/renderer/index.html.evil')).toBe(false);
    expect(isApp('https://example.com/')).toBe(false);
    expect(appUrlCheck('/x', 'http://localhost:5173')('http://localhost:5173/')).toBe(true);
  });

  it('matches the dev server by exact origin: a longer port or a user part is another page', () => {
    const isDev = appUrlCheck('/x', 'http://localhost:5173');
    expect(isDev('http://localhost:5173/#draw')).toBe(true);
    expect(isDev('http://localhost:51730/')).toBe(false);
    expect(isDev('http://localhost:5173@evil.example/')).toBe(false);
    expect(isDev('https://localhost:5173/')).toBe(false);
    expect(isDev('file:///x')).toBe(false);
    expect(isDev('not a url')).toBe(false);
  });
});
