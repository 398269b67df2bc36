// Test helpers for the main process: a stand-in for Electron's dialog module.
import { vi } from 'vitest';

export const window = {} as never;

/** A dialog module whose pickers answer `answer`, and whose message boxes record what they were shown. */
export function dialogs(answer: { canceled: boolean; filePaths?: string[]; filePath?: string }) {
  return {
    showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: answer.canceled, filePaths: answer.filePaths ?? [] })),
    showSaveDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: answer.canceled, filePath: answer.filePath ?? '' })),
    showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 0, checkboxChecked: false })),
    showErrorBox: vi.fn(),
  };
}
