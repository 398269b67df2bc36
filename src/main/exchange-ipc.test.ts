// The window's Export button under Electron, on a stand-in Electron: the main process answers model:export
// with the native save dialog and the engine writes the folder; a cancel writes nothing; other senders are refused.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Studio } from '../engine/studio.ts';
import { runApp } from './app.ts';
import { standInElectron, StandInWindow } from './testing/stand-in-electron.ts';

type Handler = (event: unknown, payload: unknown) => Promise<unknown>;
const handlers = new Map<string, Handler>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const MAIN_DIR = '/app/out/main';
const APP_URL = 'file:///app/out/renderer/index.html';
let studio: Studio | undefined;

beforeEach(() => vi.stubEnv('DIGIT_STUDIO_HOME', mkdtempSync(join(tmpdir(), 'shell-'))));
afterEach(async () => {
  vi.unstubAllEnvs();
  await studio?.close();
});

/** The shell on a stand-in Electron whose save dialog answers `chosen` (null: cancelled). */
async function shell(chosen: string | null) {
  const { electron } = standInElectron({ documents: '/home/me/Documents' });
  const saveDialog = vi.fn(async (..._args: unknown[]) => ({ canceled: chosen === null, filePath: chosen ?? '' }));
  Object.assign(electron.dialog, { showSaveDialog: saveDialog });
  const opened = new Promise<Studio>((resolve) =>
    runApp(electron, {
      csp: "default-src 'self'",
      mainDir: MAIN_DIR,
      openStudio: async (options) => {
        studio = await Studio.open(options);
        resolve(studio);
        return studio;
      },
    }),
  );
  await opened;
  await vi.waitFor(() => expect(handlers.has('model:export')).toBe(true));
  const window = StandInWindow.all[0];
  const fromApp = { sender: window.webContents, senderFrame: { url: APP_URL } };
  return { saveDialog, invoke: (channel: string, event: unknown = fromApp) => handlers.get(channel)!(event, undefined) };
}

describe("the window's Export button under Electron", () => {
  it('saves the folder chosen in the native dialog and says where, without carrying the files', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'export-')), 'lenet');
    const { saveDialog, invoke } = await shell(folder);
    expect(await invoke('model:export')).toEqual({ ok: true, value: { folder, files: [], savedTo: folder } });
    expect(saveDialog.mock.calls[0][1]).toMatchObject({ defaultPath: '/home/me/Documents/digit-studio-model' });
    expect(readdirSync(folder).sort()).toEqual(['manifest.json', 'model.json', 'weights.bin']);
  });

  it('writes nothing when the dialog is cancelled, and gives a folder that is not empty back as one line', async () => {
    const { invoke } = await shell(null);
    expect(await invoke('model:export')).toEqual({ ok: true, value: { folder: '', files: [] } });
    const full = mkdtempSync(join(tmpdir(), 'full-'));
    const again = await shell(full);
    writeFileSync(join(full, 'mine.txt'), 'x');
    expect(await again.invoke('model:export')).toEqual({ ok: false, error: `${full}: the folder is not empty; choose a new or empty folder` });
    expect(existsSync(join(full, 'model.json'))).toBe(false);
  });

  it('refuses a sender that is not the app window before any dialog opens', async () => {
    const { saveDialog, invoke } = await shell('/tmp/never');
    expect(await invoke('model:export', { sender: {}, senderFrame: { url: APP_URL } })).toEqual({
      ok: false,
      error: 'refused: model:export from a sender that is not the app window',
    });
    expect(saveDialog).not.toHaveBeenCalled();
  });
});
