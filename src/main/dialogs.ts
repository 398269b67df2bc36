// Native dialogs over the studio: import and export a model, the about box, and errors as one-line messages.
import type { BrowserWindow, Dialog } from 'electron';
import { join } from 'node:path';
import type { Engine } from '../engine/engine.ts';
import type { ModelFiles } from '../shared/contract.ts';
import { messageOf } from '../shared/message.ts';

type Dialogs = Pick<Dialog, 'showOpenDialog' | 'showSaveDialog' | 'showMessageBox' | 'showErrorBox'>;

/** An error as the one line a person reads: its message, never its stack. */
export function oneLine(err: unknown): string {
  const message = messageOf(err);
  return message.split('\n')[0] || 'unknown error';
}

/** Ask for a model folder and import it as a finished run (it becomes the active model). */
export async function importModelDialog(dialog: Dialogs, window: BrowserWindow, studio: Pick<Engine, 'importModel'>): Promise<void> {
  const { canceled, filePaths } = await dialog.showOpenDialog(window, {
    title: 'Import a model',
    message: 'Choose a folder holding model.json and weights.bin (TF.js Layers format)',
    properties: ['openDirectory'],
  });
  if (canceled || !filePaths[0]) return;
  try {
    const active = await studio.importModel(filePaths[0]);
    await dialog.showMessageBox(window, {
      type: 'info',
      message: 'Model imported',
      detail: `${filePaths[0]} is now the active model (${active.label}).`,
    });
  } catch (err) {
    dialog.showErrorBox('The model could not be imported', oneLine(err));
  }
}

/** Ask for the new folder to export the active model into; null when the person cancels. */
export async function chooseExportFolder(dialog: Dialogs, window: BrowserWindow, documents: string): Promise<string | null> {
  const { canceled, filePath } = await dialog.showSaveDialog(window, {
    title: 'Export the active model',
    buttonLabel: 'Export',
    defaultPath: join(documents, 'digit-studio-model'),
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  return canceled || !filePath ? null : filePath;
}

/**
 * The window's Export button under Electron: the folder is chosen in the native dialog and written by the
 * engine, and the reply says where (`savedTo`) instead of carrying the files for a browser download.
 */
export async function exportForWindow(
  dialog: Dialogs,
  window: BrowserWindow,
  studio: Pick<Engine, 'exportModel'>,
  documents: string,
): Promise<ModelFiles> {
  const folder = await chooseExportFolder(dialog, window, documents);
  if (!folder) return { folder: '', files: [] };
  await studio.exportModel(folder);
  return { folder, files: [], savedTo: folder };
}

/** Ask for a new folder and export the active model into it. */
export async function exportModelDialog(
  dialog: Dialogs,
  window: BrowserWindow,
  studio: Pick<Engine, 'exportModel'>,
  documents: string,
): Promise<void> {
  const filePath = await chooseExportFolder(dialog, window, documents);
  if (!filePath) return;
  try {
    await studio.exportModel(filePath);
    await dialog.showMessageBox(window, {
      type: 'info',
      message: 'Model exported',
      detail: `${filePath} holds model.json, weights.bin and manifest.json.`,
    });
  } catch (err) {
    dialog.showErrorBox('The model could not be exported', oneLine(err));
  }
}
