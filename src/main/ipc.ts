// The one file that touches ipcMain: each contract channel is registered here, and only the app's own
// window may call it. Payloads are validated by the engine (on its own thread), never here.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { Engine } from '../engine/engine.ts';
import { invokeChannels } from '../shared/channels.ts';
import type { InvokeChannel, InvokeOutputs, Reply } from '../shared/contract.ts';
import { oneLine } from './dialogs.ts';

/** Channels the main process answers itself (with native dialogs) instead of the engine. */
export type MainAnswers = { [C in InvokeChannel]?: () => Promise<InvokeOutputs[C]> };

/** Wire every invoke channel to the engine (or to `answers`) and every event to `window`; returns the unwiring function. */
export function wireIpc(engine: Engine, window: BrowserWindow, isAppUrl: (url: string) => boolean, answers: MainAnswers = {}): () => void {
  const fromApp = (event: IpcMainInvokeEvent) => event.sender === window.webContents && event.senderFrame !== null && isAppUrl(event.senderFrame.url);
  const answer = async (own: () => Promise<unknown>): Promise<Reply<unknown>> => {
    try {
      return { ok: true, value: await own() };
    } catch (err) {
      return { ok: false, error: oneLine(err) };
    }
  };
  for (const channel of invokeChannels) {
    const own = answers[channel];
    ipcMain.handle(channel, (event, payload: unknown) =>
      !fromApp(event)
        ? { ok: false, error: `refused: ${channel} from a sender that is not the app window` }
        : own
          ? answer(own)
          : engine.answer(channel, payload),
    );
  }
  const unsubscribe = engine.onEvent((channel, payload) => {
    if (!window.isDestroyed()) window.webContents.send(channel, payload);
  });
  return () => {
    unsubscribe();
    for (const channel of invokeChannels) ipcMain.removeHandler(channel);
  };
}
