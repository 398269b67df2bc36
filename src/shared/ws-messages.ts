// The browser-mode WebSocket's three messages, declared once for the host and the window's client: a request
// from the window, the host's reply to it, and an event the host pushes to every window.
import { z } from 'zod';
import type { EventChannel, EventPayloads, Reply } from './contract.ts';

/** A call from the window; its payload is checked afterwards against the channel's own schema. */
export const WsRequestSchema = z.object({ id: z.number().int().nonnegative(), channel: z.string(), payload: z.unknown().optional() });
export type WsRequest = z.infer<typeof WsRequestSchema>;

/** The host's answer to one request; `id` is null when the request was too malformed to carry one. */
export type WsReply = { id: number | null } & Reply<unknown>;

/** An event pushed to every connected window. */
export type WsEvent = { [E in EventChannel]: { event: E; payload: EventPayloads[E] } }[EventChannel];

/** Anything the host sends. */
export type WsServerMessage = WsReply | WsEvent;
