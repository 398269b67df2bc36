// Electron main: one locked-down window over the engine. Everything else lives in src/engine.
import { app, BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { userDataDir } from '../engine/store/runs.ts';
import { contentSecurityPolicy } from '../shared/csp.ts';
import { Studio } from '../engine/studio.ts';
import { wireIpc } from './ipc.ts';

const CSP = contentSecurityPolicy();

const rendererIndex = join(import.meta.dirname, '../renderer/index.html');
const devServer = process.env.ELECTRON_RENDERER_URL;
const isAppUrl = (url: string) =>
  devServer ? url.startsWith(devServer) : url === pathToFileURL(rendererIndex).href || url.startsWith(pathToFileURL(rendererIndex).href + '#');

// Packaged: the pretrained model is an extra resource beside the asar.
if (app.isPackaged) process.env.DIGIT_STUDIO_RESOURCES = process.resourcesPath;

function lockDown(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Links to documentation open in the user's browser, never in the app.
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

async function createWindow(studio: Studio): Promise<void> {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 960,
    minHeight: 640,
    title: 'Digit Studio',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  const unwire = wireIpc(studio, window, isAppUrl);
  window.on('closed', unwire);
  window.once('ready-to-show', () => window.show());
  if (devServer) await window.loadURL(devServer);
  else await window.loadFile(rendererIndex);
}

app.whenReady().then(async () => {
  lockDown();
  // The same folder as the command line and browser mode ($DIGIT_STUDIO_HOME or the platform's usual
  // place), so that a run trained in one shows in the others.
  const studio = await Studio.open({ userDir: userDataDir(), transport: 'electron', version: app.getVersion() });
  await createWindow(studio);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow(studio);
  });
  app.on('before-quit', (event) => {
    // Let a training run save its last batch before the process goes.
    event.preventDefault();
    void studio.close().finally(() => app.exit(0));
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
