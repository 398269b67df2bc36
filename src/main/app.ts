// The Electron shell put together: one instance, one locked-down window over the engine, the menu, the
// taskbar, and a clear message (then quit) when the engine cannot start. The engine computes in threads that
// main owns (engine/threads); main's own thread only routes. Electron's objects come in as a
// parameter so that tests can hand in stand-ins; index.ts hands in the real ones.
import { surviveStrayErrors } from '../engine/runtime/stray-errors.ts';
import type { App, BrowserWindow, Dialog, Menu, Notification, Screen, Session, Shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { userDataDir } from '../engine/store/runs.ts';
import { ask, type Engine } from '../engine/engine.ts';
import { EngineThreads, type EngineThreadsOptions } from '../engine/threads/engine-threads.ts';
import { exportForWindow, exportModelDialog, importModelDialog, oneLine } from './dialogs.ts';
import { exportDigitsDialog, importDigitsDialog } from './digit-dialogs.ts';
import { wireIpc } from './ipc.ts';
import { aboutText, menuTemplate } from './menu.ts';
import { guardContents, lockDownSession } from './security.ts';
import { claimSingleInstance, focusWindow } from './single-instance.ts';
import { wireTaskbar } from './taskbar.ts';
import { createMainWindow, type MainWindow } from './window.ts';
import { WINDOW_STATE_FILE } from './window-state.ts';

/** The parts of Electron the shell uses. */
export interface ElectronApi {
  app: App;
  BrowserWindow: typeof BrowserWindow;
  Menu: typeof Menu;
  Notification: typeof Notification;
  dialog: Dialog;
  session: { defaultSession: Session };
  shell: Shell;
  screen: Screen;
}

export interface AppOptions {
  /** The Content-Security-Policy every response carries. */
  csp: string;
  /** The built main bundle's folder (out/main): the preload and the renderer sit beside it. */
  mainDir: string;
  /** electron-vite's dev server, in development; ignored by a packaged app. */
  devServer?: string;
  /** How the engine opens: in worker threads, unless a test hands in its own. */
  openStudio?: (options: EngineThreadsOptions) => Promise<Engine>;
}

/** The origin of `url`, or null when it is no URL; `file:` URLs have none, so they never match a dev server. */
function originOf(url: string): string | null {
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/** Whether a URL is the app's own page: the dev server's exact origin in development, else the built index.html. */
export function appUrlCheck(rendererIndex: string, devServer?: string): (url: string) => boolean {
  const page = pathToFileURL(rendererIndex).href;
  if (devServer === undefined) return (url) => url === page || url.startsWith(`${page}#`);
  const server = originOf(devServer);
  // A prefix would let `localhost:51730` or `localhost:5173@evil` in: only the same scheme, host and port match.
  return (url) => server !== null && originOf(url) === server;
}

/** Start the desktop app. */
export function runApp(electron: ElectronApi, options: AppOptions): void {
  const { app, dialog } = electron;
  const openStudio = options.openStudio ?? ((o: EngineThreadsOptions) => EngineThreads.open(o));
  const rendererIndex = join(options.mainDir, '../renderer/index.html');
  // A packaged app loads its own files only: a variable left in the environment must not hand the contract to a page.
  const devServer = app.isPackaged ? undefined : options.devServer;
  const isAppUrl = appUrlCheck(rendererIndex, devServer);
  // Packaged: the pretrained model is an extra resource beside the asar.
  if (app.isPackaged) process.env.DIGIT_STUDIO_RESOURCES = process.resourcesPath;

  let main: MainWindow | null = null;
  if (!claimSingleInstance(app, () => focusWindow(main?.window ?? null))) return;
  app.on('web-contents-created', (_event, contents) => guardContents(contents, isAppUrl, (url) => electron.shell.openExternal(url)));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  const start = async () => {
    lockDownSession(electron.session.defaultSession, options.csp, isAppUrl);
    // The same folder as the command line and browser mode ($DIGIT_STUDIO_HOME or the platform's usual
    // place), so that a run trained in one shows in the others.
    const userDir = userDataDir();
    const studio = await openStudio({ userDir, transport: 'electron', version: app.getVersion() });
    // A stray failure in one request is logged; it never closes the window (or a training run) with it.
    surviveStrayErrors((what, err) => console.error(`digit-studio: ${what}:`, err));

    const openWindow = async () => {
      main = createMainWindow(electron, { preload: join(options.mainDir, '../preload/index.cjs'), statePath: join(userDir, WINDOW_STATE_FILE) });
      const { window } = main;
      // The window's Export button saves a folder through the native dialog (a browser download would ask once
      // per file); its Import button opens Chromium's own native file chooser and goes through the engine as is.
      const unwire = wireIpc(studio, window, isAppUrl, {
        'model:export': () => exportForWindow(dialog, window, studio, app.getPath('documents')),
      });
      const notify = (title: string, body: string) => {
        if (electron.Notification.isSupported()) new electron.Notification({ title, body }).show();
      };
      const untrack = wireTaskbar((listener) => studio.onEvent(listener), { window, notify });
      window.on('closed', () => {
        unwire();
        untrack();
      });
      if (devServer) await window.loadURL(devServer);
      else await window.loadFile(rendererIndex);
    };

    const withWindow = (action: (window: BrowserWindow) => Promise<unknown>) => () => {
      if (main && !main.window.isDestroyed()) void action(main.window);
    };
    const actions = {
      importModel: withWindow((window) => importModelDialog(dialog, window, studio)),
      exportModel: withWindow((window) => exportModelDialog(dialog, window, studio, app.getPath('documents'))),
      importDigits: withWindow((window) => importDigitsDialog(dialog, window, studio)),
      exportDigits: withWindow((window) => exportDigitsDialog(dialog, window, studio, app.getPath('documents'))),
      openDataFolder: () => void electron.shell.openPath(userDir),
      about: withWindow(async (window) => {
        const info = await ask(studio, 'app:info', undefined);
        await dialog.showMessageBox(window, {
          type: 'info',
          title: 'About Digit Studio',
          message: 'Digit Studio',
          detail: aboutText(info.version, info.backendLabel, process.versions),
        });
      }),
    };
    const { Menu } = electron;
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ isMac: process.platform === 'darwin', isDev: !app.isPackaged }, actions)));

    await openWindow();
    app.on('activate', () => {
      if (electron.BrowserWindow.getAllWindows().length === 0) void openWindow();
    });
    app.on('before-quit', (event) => {
      // Let a training run save its last batch, and the window its place, before the process goes.
      event.preventDefault();
      void Promise.all([main?.saveState(), studio.close()]).finally(() => app.exit(0));
    });
  };

  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      // Without this, a failed start leaves a process with no window and no word of why.
      dialog.showErrorBox('Digit Studio could not start', oneLine(err));
      app.exit(1);
    });
}
