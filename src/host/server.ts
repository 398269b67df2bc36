// Browser mode: serves the built renderer on 127.0.0.1 and carries the IPC contract over a WebSocket.
// Anything a page can send is answered (400 for a malformed request) and never ends the host.
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Engine } from '../engine/engine.ts';
import { contentSecurityPolicy } from '../shared/csp.ts';
import { MAX_WS_MESSAGE_BYTES, type WsEvent } from '../shared/ws-messages.ts';
import { Connection } from './connection.ts';
import { HostBudget, ReceiveGate } from './budget.ts';
import { logFailure } from './log.ts';
import { hostAllowed, newToken, originAllowed, parseTarget, tokenMatches, tokenOf } from './security.ts';
import { replyText, serveRenderer } from './static.ts';

/** Windows connected at once: far more than anyone opens, far fewer than the host's file descriptors. */
export const MAX_CONNECTIONS = 64;

export interface HostOptions {
  /** The engine: in worker threads (EngineThreads), so that the socket's thread only routes. */
  studio: Engine;
  rendererDir: string;
  port?: number;
  token?: string;
}

/** What the host holds right now, for watching it. */
export interface HostStats {
  connections: { inFlight: number; buffered: number }[];
  /** Large messages being read or answered, over all connections (at most LARGE_SLOTS). */
  largeInFlight: number;
  /** Connections dropped because they stopped reading. */
  dropped: number;
}

export interface Host {
  url: string;
  port: number;
  token: string;
  stats(): HostStats;
  close(): Promise<void>;
}

/** The headers of every page and file the host serves. */
function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

/** Reject an upgrade with an HTTP status and a one-line reason. */
function refuse(socket: Socket, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${reason}\n`, () => socket.destroy());
}

/** Start serving; `port` 0 picks a free one. */
export async function startHost({ studio, rendererDir, port = 0, token = newToken() }: HostOptions): Promise<Host> {
  let actualPort = port;
  const serve = serveRenderer(rendererDir, () => securityHeaders(actualPort));
  const server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, actualPort)) return replyText(res, 421, 'Misdirected Request: unknown Host');
    return serve(req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });
  const connections = new Set<Connection>();
  const budget = new HostBudget();
  let dropped = 0;

  server.on('upgrade', (req, socket: Socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      const url = parseTarget(req.url);
      if (!url) return refuse(socket, 400, 'Bad Request');
      if (url.pathname !== '/ws') return refuse(socket, 404, 'Not Found');
      if (!hostAllowed(req.headers.host, actualPort)) return refuse(socket, 421, 'Misdirected Request');
      const tokens = url.searchParams.getAll('token');
      if (tokens.length === 0 || !tokens[0]) return refuse(socket, 401, 'Missing token');
      if (tokens.length > 1) return refuse(socket, 400, 'Bad Request');
      if (!tokenMatches(token, tokenOf(url))) return refuse(socket, 403, 'Bad token');
      if (!originAllowed(req.headers.origin, actualPort)) return refuse(socket, 403, 'Foreign origin');
      if (connections.size >= MAX_CONNECTIONS) return refuse(socket, 503, 'Service Unavailable');
      // Watching the socket before the WebSocket reads it: a large message waits for a slot with its bytes unread.
      const gate = new ReceiveGate(socket, budget);
      wss.handleUpgrade(req, socket, head, (ws) => {
        gate.attach(ws);
        const connection: Connection = new Connection(
          ws,
          studio,
          () => {
            dropped++;
            connections.delete(connection);
          },
          budget,
          gate,
        );
        connections.add(connection);
        ws.on('close', () => connections.delete(connection));
        ws.on('error', () => ws.terminate());
      });
    } catch (err) {
      logFailure(`upgrading ${req.url}`, err);
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  server.removeAllListeners('error').on('error', (err) => logFailure('serving', err));
  actualPort = (server.address() as AddressInfo).port;
  // Subscribed only once listening, so that a port in use leaves nothing behind.
  const unsubscribe = studio.onEvent((event, payload) => {
    for (const connection of connections) {
      try {
        connection.send({ event, payload } as WsEvent);
      } catch (err) {
        logFailure(`sending ${event}`, err);
      }
    }
  });
  return {
    url: `http://127.0.0.1:${actualPort}/?token=${token}`,
    port: actualPort,
    token,
    stats: () => ({
      connections: [...connections].map((c) => ({ inFlight: c.inFlight, buffered: c.buffered })),
      largeInFlight: budget.largeInFlight,
      dropped,
    }),
    close: async () => {
      unsubscribe();
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
