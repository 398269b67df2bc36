// My digits' import and export through native dialogs, on a stand-in dialog module.
import { describe, expect, it, vi } from 'vitest';
import { UserError } from '../engine/errors.ts';
import { exportDigitsDialog, importDigitsDialog } from './digit-dialogs.ts';
import { dialogs, window } from './testing.ts';

describe('my digits dialogs', () => {
  it('imports the chosen folder and says how many digits it added', async () => {
    const dialog = dialogs({ canceled: false, filePaths: ['/home/me/shared-digits'] });
    const importDigits = vi.fn(async () => 12);
    await importDigitsDialog(dialog as never, window, { importDigits });
    expect(importDigits).toHaveBeenCalledWith('/home/me/shared-digits');
    expect(dialog.showMessageBox.mock.calls[0][1]).toMatchObject({
      message: 'Digits imported',
      detail: '12 digits from /home/me/shared-digits added to my digits.',
    });
  });

  it('exports to the chosen folder, offering one in Documents first', async () => {
    const dialog = dialogs({ canceled: false, filePath: '/home/me/Documents/mine' });
    const exportDigits = vi.fn(async () => 1);
    await exportDigitsDialog(dialog as never, window, { exportDigits }, '/home/me/Documents');
    expect(dialog.showSaveDialog.mock.calls[0][1]).toMatchObject({ defaultPath: '/home/me/Documents/my-digits' });
    expect(exportDigits).toHaveBeenCalledWith('/home/me/Documents/mine');
    expect(dialog.showMessageBox.mock.calls[0][1]).toMatchObject({ message: 'Digits exported', detail: expect.stringContaining('holds 1 digit as') });
  });

  it('does nothing when cancelled, and shows a failure as one line', async () => {
    const cancelled = dialogs({ canceled: true });
    const importDigits = vi.fn(async () => 0);
    const exportDigits = vi.fn(async () => 0);
    await importDigitsDialog(cancelled as never, window, { importDigits });
    await exportDigitsDialog(cancelled as never, window, { exportDigits }, '/d');
    expect(importDigits).not.toHaveBeenCalled();
    expect(exportDigits).not.toHaveBeenCalled();

    const dialog = dialogs({ canceled: false, filePaths: ['/tmp/bad'] });
    const failing = vi.fn(async () => {
      throw new UserError('the labels file holds 2 labels but the images file holds 3 images; they must match\n    at stack');
    });
    await importDigitsDialog(dialog as never, window, { importDigits: failing });
    expect(dialog.showErrorBox).toHaveBeenCalledWith(
      'The digits could not be imported',
      'the labels file holds 2 labels but the images file holds 3 images; they must match',
    );
  });
});
