// Model import and export through native dialogs, on a stand-in dialog module.
import { describe, expect, it, vi } from 'vitest';
import { UserError } from '../engine/errors.ts';
import { exportModelDialog, importModelDialog, oneLine } from './dialogs.ts';
import { dialogs, window } from './testing.ts';

describe('model dialogs', () => {
  it('imports the chosen folder and says which model is now active', async () => {
    const dialog = dialogs({ canceled: false, filePaths: ['/home/me/lenet'] });
    const importModel = vi.fn(async () => ({ id: 'r1', label: 'run r1', testAccuracy: null }));
    await importModelDialog(dialog as never, window, { importModel });
    expect(importModel).toHaveBeenCalledWith('/home/me/lenet');
    expect(dialog.showMessageBox.mock.calls[0][1]).toMatchObject({
      message: 'Model imported',
      detail: '/home/me/lenet is now the active model (run r1).',
    });
  });

  it('does nothing when the dialog is cancelled', async () => {
    const dialog = dialogs({ canceled: true });
    const importModel = vi.fn();
    const exportModel = vi.fn();
    await importModelDialog(dialog as never, window, { importModel });
    await exportModelDialog(dialog as never, window, { exportModel }, '/home/me/Documents');
    expect(importModel).not.toHaveBeenCalled();
    expect(exportModel).not.toHaveBeenCalled();
  });

  it('exports to the chosen path, offering a folder in Documents first', async () => {
    const dialog = dialogs({ canceled: false, filePath: '/home/me/Documents/mine' });
    const exportModel = vi.fn(async () => undefined);
    await exportModelDialog(dialog as never, window, { exportModel }, '/home/me/Documents');
    expect(dialog.showSaveDialog.mock.calls[0][1]).toMatchObject({ defaultPath: '/home/me/Documents/digit-studio-model' });
    expect(exportModel).toHaveBeenCalledWith('/home/me/Documents/mine');
  });

  it('shows a failure as one line in an error box', async () => {
    const dialog = dialogs({ canceled: false, filePaths: ['/tmp/bad'] });
    const importModel = vi.fn(async () => {
      throw new UserError("/tmp/bad: the model's output is [any,5], the studio needs [any,10]");
    });
    await importModelDialog(dialog as never, window, { importModel });
    expect(dialog.showErrorBox).toHaveBeenCalledWith(
      'The model could not be imported',
      "/tmp/bad: the model's output is [any,5], the studio needs [any,10]",
    );
    expect(oneLine(new Error('first\n    at stack'))).toBe('first');
  });
});
