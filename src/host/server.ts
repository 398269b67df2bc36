// Browser mode: serves the built renderer on 127.0.0.1 and carries the IPC contract over a WebSocket.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch } from '../engine/dispatch.ts';
import type { Studio } from '../engine/studio.ts';
import { contentSecurityPolicy, newToken, originAllowed, tokenMatches } from './security.ts';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Largest message a client may send: a predict payload is ~20 KB. */
const MAX_MESSAGE_BYTES = 1 << 20;

export interface HostOptions {
  studio: Studio;
  rendererDir: string;
  port?: number;
  token?: string;
}

export interface Host {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function serveStatic(rendererDir: string, port: number, req: IncomingMessage, res: ServerResponse): void {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const file = normalize(join(rendererDir, path === '/' ? 'index.html' : path));
  const headers = {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, 'Content-Type': 'text/plain' }).end('method not allowed\n');
    return;
  }
  if (!file.startsWith(rendererDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found\n');
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

/** Reject an upgrade with an HTTP status and a one-line reason. */
function refuse(socket: NodeJS.WritableStream & { destroy(): void }, status: number, reason: string): void {
  socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${reason}\n`);
  socket.destroy();
}

async function answer(studio: Studio, ws: WebSocket, raw: string): Promise<void> {
  let message: { id?: unknown; channel?: unknown; payload?: unknown };
  try {
    message = JSON.parse(raw);
  } catch {
    ws.send(JSON.stringify({ id: null, ok: false, error: 'malformed message: not JSON' }));
    return;
  }
  if (typeof message !== 'object' || message === null || !('id' in message)) {
    ws.send(JSON.stringify({ id: null, ok: false, error: 'malformed message: expected {id, channel, payload}' }));
    return;
  }
  const reply = await dispatch(studio, message.channel, message.payload);
  ws.send(JSON.stringify({ id: message.id, ...reply }));
}

/** Start serving; `port` 0 picks a free one. */
export async function startHost({ studio, rendererDir, port = 0, token = newToken() }: HostOptions): Promise<Host> {
  const root = normalize(rendererDir);
  const server = createServer((req, res) => serveStatic(root, (server.address() as AddressInfo).port, req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const actualPort = (server.address() as AddressInfo).port;
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/ws') return refuse(socket, 404, 'Not Found');
    if (!url.searchParams.get('token')) return refuse(socket, 401, 'Missing token');
    if (!tokenMatches(token, url.searchParams.get('token'))) return refuse(socket, 403, 'Bad token');
    if (!originAllowed(req.headers.origin, actualPort)) return refuse(socket, 403, 'Foreign origin');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        ws.send(JSON.stringify({ id: null, ok: false, error: 'malformed message: binary frames are not accepted' }));
        return;
      }
      void answer(studio, ws, data.toString());
    });
    ws.on('error', () => ws.terminate());
  });
  const unsubscribe = studio.onEvent((channel, payload) => {
    const text = JSON.stringify({ event: channel, payload });
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(text);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/?token=${token}`,
    port: actual,
    token,
    close: async () => {
      unsubscribe();
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
