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
  if (window.studio) return window.studio;
  const token = new URLSearchParams(location.search).get('token');
  if (!token) throw new Error('This page needs the address the studio printed when it started: it carries the access token.');
  const api = await connectWebSocket(token, onClose);
  window.studio = api;
  return api;
}
