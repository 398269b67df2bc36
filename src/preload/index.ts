// The window's one narrow API: invoke a known channel, or subscribe to a known event. Nothing else
// of Electron (never ipcRenderer itself) reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventChannels, invokeChannels } from '../shared/channels.ts';
import type { Reply, StudioApi } from '../shared/contract.ts';

const api: StudioApi = {
  transport: 'electron',
  // A cancel signal cannot cross the context bridge (the window's api.ts keeps it on its side).
  invoke: (async (channel: string, payload?: unknown) => {
    if (!(invokeChannels as readonly string[]).includes(channel)) throw new Error(`unknown channel ${JSON.stringify(channel)}`);
    const reply = (await ipcRenderer.invoke(channel, payload)) as Reply<never>;
    if (!reply.ok) throw new Error(reply.error);
    return reply.value;
  }) as StudioApi['invoke'],
  on: (channel: string, listener: (payload: never) => void) => {
    if (!(eventChannels as readonly string[]).includes(channel)) throw new Error(`unknown event ${JSON.stringify(channel)}`);
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload as never);
    ipcRenderer.on(channel, forward);
    return () => void ipcRenderer.removeListener(channel, forward);
  },
};

contextBridge.exposeInMainWorld('studio', api);
