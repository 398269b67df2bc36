// Finds the engine: Electron's preload API when present, else the browser-mode WebSocket.
import type { StudioApi } from '../../../shared/contract';
import { connectWebSocket } from './ws-client';

declare global {
  interface Window {
    studio?: StudioApi;
  }
}

/** The StudioApi for this page; also left on `window.studio` in browser mode, as the preload does. */
export async function connect(onClose: (reason: string) => void): Promise<StudioApi> {
  if (window.studio) return overTheBridge(window.studio);
  const token = new URLSearchParams(location.search).get('token');
  if (!token) throw new Error('This page needs the address the studio printed when it started: it carries the access token.');
  const api = await connectWebSocket(token, onClose);
  window.studio = api;
  return api;
}

/**
 * Electron's preload API with the cancel signal kept on this side: a signal cannot cross the context bridge, so
 * it is never sent; the request's reply still comes, and its asker drops it.
 */
function overTheBridge(bridge: StudioApi): StudioApi {
  const invoke = bridge.invoke as (channel: string, payload?: unknown) => Promise<unknown>;
  return {
    transport: bridge.transport,
    invoke: ((channel: string, payload?: unknown) => invoke(channel, payload)) as StudioApi['invoke'],
    on: (channel, listener) => bridge.on(channel, listener),
  };
}
