// The one file that touches ipcMain: each contract channel is registered here, and only the app's own
// window may call it. Payloads are validated by the engine's dispatcher.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { dispatch } from '../engine/dispatch.ts';
import type { Studio } from '../engine/studio.ts';
import { invokeChannels } from '../shared/channels.ts';

/** Wire every invoke channel to the studio and every event to `window`; returns the unwiring function. */
export function wireIpc(studio: Studio, window: BrowserWindow, isAppUrl: (url: string) => boolean): () => void {
  const fromApp = (event: IpcMainInvokeEvent) => event.sender === window.webContents && event.senderFrame !== null && isAppUrl(event.senderFrame.url);
  for (const channel of invokeChannels) {
    ipcMain.handle(channel, (event, payload: unknown) =>
      fromApp(event) ? dispatch(studio, channel, payload) : { ok: false, error: `refused: ${channel} from a sender that is not the app window` },
    );
  }
  const unsubscribe = studio.onEvent((channel, payload) => {
    if (!window.isDestroyed()) window.webContents.send(channel, payload);
  });
  return () => {
    unsubscribe();
    for (const channel of invokeChannels) ipcMain.removeHandler(channel);
  };
}
