// The application menu: File (models and the data folder), Edit (the standard roles), View (developer
// tools only in development), Help (about, with the versions and the engine's backend).
import type { MenuItemConstructorOptions } from 'electron';

/** What the menu's own items do; the roles are Electron's. */
export interface MenuActions {
  importModel(): void;
  exportModel(): void;
  importDigits(): void;
  exportDigits(): void;
  openDataFolder(): void;
  about(): void;
}

/** The menu template for this platform and mode. */
export function menuTemplate(options: { isMac: boolean; isDev: boolean }, actions: MenuActions): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Import Model…', accelerator: 'CmdOrCtrl+O', click: () => actions.importModel() },
      { label: 'Export Model…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportModel() },
      { type: 'separator' },
      { label: 'Import My Digits…', click: () => actions.importDigits() },
      { label: 'Export My Digits…', click: () => actions.exportDigits() },
      { type: 'separator' },
      { label: 'Open Data Folder', click: () => actions.openDataFolder() },
      { type: 'separator' },
      options.isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  };
  const developer: MenuItemConstructorOptions[] = options.isDev
    ? [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }]
    : [];
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [...developer, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
  };
  const help: MenuItemConstructorOptions = { role: 'help', submenu: [{ label: 'About Digit Studio', click: () => actions.about() }] };
  return [...(options.isMac ? [{ role: 'appMenu' } as const] : []), file, edit, view, { role: 'windowMenu' }, help];
}

/** The about box's text: the app's version, the engine's backend, and the runtime versions. */
export function aboutText(version: string, backendLabel: string, versions: NodeJS.ProcessVersions): string {
  return [
    `Digit Studio ${version}`,
    `Engine backend: ${backendLabel}`,
    `Electron ${versions.electron ?? '–'} · Chromium ${versions.chrome ?? '–'} · Node.js ${versions.node} · V8 ${versions.v8}`,
  ].join('\n');
}
