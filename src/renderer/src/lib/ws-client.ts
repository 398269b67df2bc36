// The contract over a WebSocket, for browser mode: the same StudioApi the Electron preload exposes.
import type { EventChannel, EventPayloads, InvokeOptions, StudioApi } from '../../../shared/contract';
import { tooLargeToSend, type WsCancel, type WsRequest, type WsServerMessage } from '../../../shared/ws-messages';

/** Why a request cannot be sent: whichever command started the studio, the person knows it as its engine. */
export const NOT_CONNECTED = "the studio's engine is not reachable";

/** Why a request the window called off was not answered. */
export const CANCELLED = 'cancelled: a newer request replaced it';

/** Why the link closed, in the person's words: the engine stopped, or (after a restart) no longer takes this page's token. */
export function closeReason(code: number): string {
  return code === 1006
    ? "the studio's engine stopped or refused this page. Once it runs again for the same home folder, press Try again; if it printed another address (its port was taken), open the address it printed."
    : `the connection to the studio's engine closed (code ${code}).`;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** Connect to the browser-mode host that served this page; `onClose` hears when the link drops. */
export function connectWebSocket(token: string, onClose: (reason: string) => void): Promise<StudioApi> {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`;
  const socket = new WebSocket(url);
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;

  socket.addEventListener('message', (message) => {
    const data = JSON.parse(String(message.data)) as WsServerMessage;
    if ('event' in data) {
      listeners.get(data.event)?.forEach((listener) => listener(data.payload));
      return;
    }
    if (data.id === null) return;
    const waiting = pending.get(data.id);
    if (!waiting) return;
    pending.delete(data.id);
    if (data.ok) waiting.resolve(data.value);
    else waiting.reject(new Error(data.error));
  });

  const api: StudioApi = {
    transport: 'websocket',
    invoke: ((channel: string, payload?: unknown, { signal }: InvokeOptions = {}) =>
      new Promise((resolve, reject) => {
        if (socket.readyState !== WebSocket.OPEN) return reject(new Error(NOT_CONNECTED));
        const id = nextId++;
        const request: WsRequest = { id, channel, payload };
        const text = JSON.stringify(request);
        // The host would close the connection on a message over its limit: refuse it here, with the reason.
        const tooLarge = tooLargeToSend(channel, new TextEncoder().encode(text).byteLength);
        if (tooLarge) return reject(new Error(tooLarge));
        if (signal?.aborted) return reject(new Error(CANCELLED));
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        socket.send(text);
        signal?.addEventListener(
          'abort',
          () => {
            if (!pending.delete(id)) return;
            reject(new Error(CANCELLED));
            if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ cancel: id } satisfies WsCancel));
          },
          { once: true },
        );
      })) as StudioApi['invoke'],
    on: <E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void) => {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => void set.delete(wrapped);
    },
  };

  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve(api), { once: true });
    socket.addEventListener('close', (event) => {
      const reason = closeReason(event.code);
      for (const waiting of pending.values()) waiting.reject(new Error(reason));
      pending.clear();
      reject(new Error(reason));
      onClose(reason);
    });
  });
}
