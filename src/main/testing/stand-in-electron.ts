// A stand-in for the parts of Electron the shell uses (the real binary cannot run here): it records what
// the shell asks of it, and lets a test fire app and window events.
import { EventEmitter } from 'node:events';
import type { ElectronApi } from '../app.ts';

/** A recorded main window. */
export class StandInWindow extends EventEmitter {
  static all: StandInWindow[] = [];
  loaded: string | null = null;
  minimized = true;
  focused = false;
  maximized = false;
  progress: number[] = [];
  readonly webContents = { send: () => undefined };
  constructor(readonly options: Record<string, unknown> & { width: number; height: number; webPreferences: Record<string, unknown> }) {
    super();
    StandInWindow.all.push(this);
  }
  static getAllWindows = () => StandInWindow.all;
  loadFile = async (path: string) => void (this.loaded = path);
  loadURL = async (url: string) => void (this.loaded = url);
  isDestroyed = () => false;
  isMinimized = () => this.minimized;
  restore = () => void (this.minimized = false);
  show = () => undefined;
  focus = () => void (this.focused = true);
  isFocused = () => this.focused;
  maximize = () => void (this.maximized = true);
  isMaximized = () => this.maximized;
  setProgressBar = (value: number) => void this.progress.push(value);
  getNormalBounds = () => ({
    x: (this.options.x as number) ?? 40,
    y: (this.options.y as number) ?? 30,
    width: this.options.width,
    height: this.options.height,
  });
}

/** A stand-in Electron; `exited` resolves with the code the shell exits with. */
export function standInElectron(options: { lock?: boolean; documents?: string } = {}) {
  StandInWindow.all = [];
  const app = new EventEmitter();
  let exit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (exit = resolve));
  const record = { quits: 0, errorBoxes: [] as [string, string][], menu: null as unknown, openedPaths: [] as string[], externals: [] as string[] };
  const electron = {
    app: Object.assign(app, {
      isPackaged: false,
      whenReady: async () => undefined,
      getVersion: () => '0.0.0-test',
      getPath: () => options.documents ?? '/tmp',
      requestSingleInstanceLock: () => options.lock ?? true,
      quit: () => void record.quits++,
      exit: (code: number) => exit(code),
    }),
    BrowserWindow: StandInWindow,
    Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: (menu: unknown) => void (record.menu = menu) },
    Notification: Object.assign(class {}, { isSupported: () => false }),
    dialog: { showErrorBox: (title: string, content: string) => void record.errorBoxes.push([title, content]) },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: () => undefined },
        setPermissionRequestHandler: () => undefined,
        setPermissionCheckHandler: () => undefined,
      },
    },
    shell: {
      openPath: async (path: string) => void record.openedPaths.push(path),
      openExternal: async (url: string) => void record.externals.push(url),
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  };
  return { electron: electron as unknown as ElectronApi, app, record, exited };
}
