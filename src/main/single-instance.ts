// One studio per user: a second launch hands over to the first (which comes to the front) instead of racing
// it on the run store.
import type { App, BrowserWindow } from 'electron';

/** Take the single-instance lock; without it, quit and return false. A second launch calls `focus`. */
export function claimSingleInstance(app: Pick<App, 'requestSingleInstanceLock' | 'quit' | 'on'>, focus: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => focus());
  return true;
}

/** Bring `window` to the front, restoring it when minimised. */
export function focusWindow(window: Pick<BrowserWindow, 'isDestroyed' | 'isMinimized' | 'restore' | 'show' | 'focus'> | null): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
