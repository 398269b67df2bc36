// Native dialogs over the studio: import and export a model, the about box, and errors as one-line messages.
import type { BrowserWindow, Dialog } from 'electron';
import { join } from 'node:path';
import type { Studio } from '../engine/studio.ts';

type Dialogs = Pick<Dialog, 'showOpenDialog' | 'showSaveDialog' | 'showMessageBox' | 'showErrorBox'>;

/** An error as the one line a person reads: its message, never its stack. */
export function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] || 'unknown error';
}

/** Ask for a model folder and import it as a finished run (it becomes the active model). */
export async function importModelDialog(dialog: Dialogs, window: BrowserWindow, studio: Pick<Studio, 'importModel'>): Promise<void> {
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

/** Ask for a new folder and export the active model into it. */
export async function exportModelDialog(
  dialog: Dialogs,
  window: BrowserWindow,
  studio: Pick<Studio, 'exportModel'>,
  documents: string,
): Promise<void> {
  const { canceled, filePath } = await dialog.showSaveDialog(window, {
    title: 'Export the active model',
    buttonLabel: 'Export',
    defaultPath: join(documents, 'digit-studio-model'),
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  if (canceled || !filePath) return;
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
