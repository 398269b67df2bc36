// The one main window: locked-down preferences, its last size and place restored, and saved again on close.
import type { BrowserWindow, BrowserWindowConstructorOptions, Screen } from 'electron';
import { isVisibleOn, MIN_SIZE, readWindowState, saveWindowState } from './window-state.ts';

export interface MainWindow {
  window: BrowserWindow;
  /** Save the window's size and place now (also done on close); never rejects. */
  saveState(): Promise<void>;
}

interface WindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  screen: Pick<Screen, 'getAllDisplays'>;
}

/** Make the main window (hidden until ready to show) with the size and place it had last time, if still on screen. */
export function createMainWindow(deps: WindowDeps, options: { preload: string; statePath: string; icon?: string }): MainWindow {
  const saved = readWindowState(options.statePath);
  const onScreen =
    saved !== null &&
    isVisibleOn(
      saved,
      deps.screen.getAllDisplays().map((d) => d.workArea),
    );
  const { BrowserWindow } = deps;
  // Written out here, in the constructor call, so that electronegativity's checks can read every setting.
  const window = new BrowserWindow({
    width: saved?.width ?? 1280,
    height: saved?.height ?? 860,
    ...(onScreen ? { x: saved.x, y: saved.y } : {}),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'Digit Studio',
    show: false,
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // Middle-click would otherwise ask for a new window (refused anyway by guardContents).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (onScreen && saved.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());

  const saveState = async () => {
    if (window.isDestroyed()) return;
    const bounds = window.getNormalBounds();
    await saveWindowState(options.statePath, { ...bounds, maximized: window.isMaximized() }).catch(() => undefined);
  };
  window.on('close', () => void saveState());
  return { window, saveState };
}
