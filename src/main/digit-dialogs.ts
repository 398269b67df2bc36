// My digits in and out through native dialogs: an IDX training pair in a folder, what `--data DIR` reads.
import type { BrowserWindow, Dialog } from 'electron';
import { join } from 'node:path';
import type { Engine } from '../engine/engine.ts';
import { oneLine } from './dialogs.ts';

type Dialogs = Pick<Dialog, 'showOpenDialog' | 'showSaveDialog' | 'showMessageBox' | 'showErrorBox'>;

const plural = (n: number) => `${n.toLocaleString('en-US')} digit${n === 1 ? '' : 's'}`;

/** Ask for a folder holding an exported collection and add its digits to mine. */
export async function importDigitsDialog(dialog: Dialogs, window: BrowserWindow, studio: Pick<Engine, 'importDigits'>): Promise<void> {
  const { canceled, filePaths } = await dialog.showOpenDialog(window, {
    title: 'Import my digits',
    message: 'Choose a folder holding train-images-idx3-ubyte and train-labels-idx1-ubyte (an exported collection)',
    properties: ['openDirectory'],
  });
  if (canceled || !filePaths[0]) return;
  try {
    const added = await studio.importDigits(filePaths[0]);
    await dialog.showMessageBox(window, {
      type: 'info',
      message: 'Digits imported',
      detail: `${plural(added)} from ${filePaths[0]} added to my digits.`,
    });
  } catch (err) {
    dialog.showErrorBox('The digits could not be imported', oneLine(err));
  }
}

/** Ask for a folder and export my digits into it as an IDX pair. */
export async function exportDigitsDialog(
  dialog: Dialogs,
  window: BrowserWindow,
  studio: Pick<Engine, 'exportDigits'>,
  documents: string,
): Promise<void> {
  const { canceled, filePath } = await dialog.showSaveDialog(window, {
    title: 'Export my digits',
    buttonLabel: 'Export',
    defaultPath: join(documents, 'my-digits'),
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  if (canceled || !filePath) return;
  try {
    const count = await studio.exportDigits(filePath);
    await dialog.showMessageBox(window, {
      type: 'info',
      message: 'Digits exported',
      detail: `${filePath} holds ${plural(count)} as train-images-idx3-ubyte and train-labels-idx1-ubyte (use it with --data).`,
    });
  } catch (err) {
    dialog.showErrorBox('The digits could not be exported', oneLine(err));
  }
}
