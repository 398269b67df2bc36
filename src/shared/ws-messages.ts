// The browser-mode WebSocket's three messages, declared once for the host and the window's client: a request
// from the window, the host's reply to it, and an event the host pushes to every window.
import { z } from 'zod';
import type { EventChannel, EventPayloads, Reply } from './contract.ts';

/** A call from the window; its payload is checked afterwards against the channel's own schema. */
export const WsRequestSchema = z.object({ id: z.number().int().nonnegative(), channel: z.string(), payload: z.unknown().optional() });
export type WsRequest = z.infer<typeof WsRequestSchema>;

/** The window no longer wants request `cancel`: the host answers it as cancelled and the engine drops it if unstarted. */
export const WsCancelSchema = z.object({ cancel: z.number().int().nonnegative() });
export type WsCancel = z.infer<typeof WsCancelSchema>;

/** The host's answer to one request; `id` is null when the request was too malformed to carry one. */
export type WsReply = { id: number | null } & Reply<unknown>;

/** An event pushed to every connected window. */
export type WsEvent = { [E in EventChannel]: { event: E; payload: EventPayloads[E] } }[EventChannel];

/** Anything the host sends. */
export type WsServerMessage = WsReply | WsEvent;

/**
 * The largest message either side takes, in bytes: room for the largest upload the contract allows in one
 * request (a model's weights, an IDX pair of my digits, base64), far below what would strain the host.
 */
export const MAX_WS_MESSAGE_BYTES = 96 * 1024 ** 2;

/** Why a request of `bytes` cannot be sent over browser mode's WebSocket, or null when it can. */
export function tooLargeToSend(channel: string, bytes: number): string | null {
  if (bytes <= MAX_WS_MESSAGE_BYTES) return null;
  const mb = (n: number) => `${Math.ceil(n / 1024 ** 2)} MB`;
  return `${channel}: the request is ${mb(bytes)}, over browser mode's ${mb(MAX_WS_MESSAGE_BYTES)} limit; use the desktop app or the command line for files this large`;
}
