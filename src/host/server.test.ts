import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { readBundledManifest } from '../engine/model/bundled.ts';
import { Studio } from '../engine/studio.ts';
import { contentSecurityPolicy } from '../shared/csp.ts';
import { defaultSpec } from '../shared/spec.ts';
import { MAX_BUFFERED_BYTES, MAX_IN_FLIGHT } from './connection.ts';
import { MAX_PAYLOAD_VALUES, MAX_REPORTED_ISSUES } from '../engine/dispatch.ts';
import { type Host, MAX_CONNECTIONS, startHost } from './server.ts';
import { LARGE_SLOTS } from './budget.ts';

let host: Host;
let studio: Studio;
let rendererDir: string;

beforeAll(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'renderer-'));
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Digit Studio</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("app");\n');
  writeFileSync(join(rendererDir, 'assets', 'gone.js'), 'console.log("gone");\n');
  // What lies outside the renderer folder, reachable only through links planted inside it.
  const outside = mkdtempSync(join(tmpdir(), 'outside-'));
  writeFileSync(join(outside, 'secret.txt'), 'secret\n');
  symlinkSync(join(outside, 'secret.txt'), join(rendererDir, 'leak.txt'));
  symlinkSync(outside, join(rendererDir, 'leak-dir'));
  symlinkSync(join(rendererDir, 'assets', 'app.js'), join(rendererDir, 'alias.js'));
  studio = await Studio.open({ userDir: mkdtempSync(join(tmpdir(), 'user-')), transport: 'websocket', version: 'test' });
  host = await startHost({ studio, rendererDir, port: 0 });
});

afterAll(async () => {
  await studio.close();
  await host.close();
});

const origin = () => `http://127.0.0.1:${host.port}`;
const wsUrl = (query: string) => `ws://127.0.0.1:${host.port}/ws${query}`;

/** Open a socket; resolves with it, or rejects with the HTTP status of a refused upgrade. */
function open(query: string, headers: Record<string, string> = { Origin: origin() }): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(query), { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

type Reply = { id: unknown; ok: boolean; value?: unknown; error?: string };

function call(ws: WebSocket, message: unknown): Promise<Reply> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(data.toString())));
    ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  });
}

/** Every reply a socket receives from now on, in order. */
function replies(ws: WebSocket): Reply[] {
  const received: Reply[] = [];
  ws.on('message', (data) => received.push(JSON.parse(data.toString())));
  return received;
}

/** Send raw bytes over TCP; resolves with all the host answered before it closed the connection. */
function raw(request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(host.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined); // a reset after the answer is still the answer
    socket.on('close', () => resolve(answer));
    socket.write(request);
  });
}

const statusLine = (answer: string) => answer.split('\r\n')[0];

/** A WebSocket upgrade request for `target`, from this host's own origin. */
const upgrade = (target: string) =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n` +
  `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: ${origin()}\r\n\r\n`;

async function stillServes(): Promise<void> {
  expect((await fetch(`${origin()}/`)).status).toBe(200);
}

describe('browser-mode host: the renderer files', () => {
  it('serves the renderer on 127.0.0.1 with the security headers, and nothing outside it', async () => {
    const res = await fetch(`${origin()}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<!doctype html><title>Digit Studio</title>');
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy([`ws://127.0.0.1:${host.port}`, `ws://localhost:${host.port}`]));
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self';.*frame-ancestors 'none'$/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const script = await fetch(`${origin()}/assets/app.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('cache-control')).toBe('no-store');
    expect((await fetch(`${origin()}/..%2f..%2fetc/passwd`)).status).toBe(404);
    expect(statusLine(await raw(`GET /../../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`))).toBe(
      'HTTP/1.1 404 Not Found',
    );
    const head = await fetch(`${origin()}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-security-policy')).toBe(res.headers.get('content-security-policy'));
    expect(await head.text()).toBe('');
    const post = await fetch(`${origin()}/`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('content-security-policy')).toMatch(/^default-src 'self'/);
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
  });

  it('does not follow a symbolic link out of the renderer folder', async () => {
    const leak = await fetch(`${origin()}/leak.txt`);
    expect(leak.status).toBe(404);
    expect(await leak.text()).toBe('not found\n');
    expect((await fetch(`${origin()}/leak-dir/secret.txt`)).status).toBe(404);
    // A link that stays inside is an ordinary file of the folder.
    expect(await (await fetch(`${origin()}/alias.js`)).text()).toBe('console.log("app");\n');
  });

  it('answers malformed request targets with 400 and keeps serving', async () => {
    for (const target of ['/%', '/assets/%E0%A4%A', 'http://[', '//evil.example/']) {
      const answer = await raw(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`);
      expect(statusLine(answer), target).toBe('HTTP/1.1 400 Bad Request');
      await stillServes();
    }
  });

  it('ignores a reversed byte range instead of failing on it', async () => {
    const answer = await raw(`GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nRange: bytes=9-1\r\nConnection: close\r\n\r\n`);
    expect(statusLine(answer)).toBe('HTTP/1.1 200 OK');
    expect(answer).toMatch(/<title>Digit Studio<\/title>$/);
    await stillServes();
  });

  it('serves what the folder holds now: a file removed after start-up is 404', async () => {
    expect((await fetch(`${origin()}/assets/gone.js`)).status).toBe(200);
    rmSync(join(rendererDir, 'assets', 'gone.js'));
    expect((await fetch(`${origin()}/assets/gone.js`)).status).toBe(404);
    writeFileSync(join(rendererDir, 'assets', 'new.js'), 'console.log("new");\n');
    expect((await fetch(`${origin()}/assets/new.js`)).status).toBe(200);
  });
});

describe('browser-mode host: the WebSocket', () => {
  it('refuses a missing token, a wrong token and a foreign Origin', async () => {
    await expect(open('')).rejects.toThrow('HTTP 401');
    await expect(open('?token=nope')).rejects.toThrow('HTTP 403');
    await expect(open(`?token=${host.token}`, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(open(`?token=${host.token}`, {})).rejects.toThrow('HTTP 403');
  });

  it('answers an upgrade to a malformed target with 400 and keeps serving', async () => {
    for (const target of ['http://[', `/ws%?token=${host.token}`, `/w%s?token=${host.token}`, `//evil.example/ws?token=${host.token}`]) {
      expect(statusLine(await raw(upgrade(target))), target).toBe('HTTP/1.1 400 Bad Request');
    }
    const ws = await open(`?token=${host.token}`);
    expect(await call(ws, { id: 1, channel: 'dataset:info' })).toMatchObject({ id: 1, ok: true, value: { counts: { train: 60000 } } });
    ws.close();
    await stillServes();
  });

  it('takes an upload of several megabytes (a larger model, a collection of my digits) and answers it', async () => {
    const ws = await open(`?token=${host.token}`);
    // 3 MB of IDX images whose header is wrong: checked and refused with a message, the connection kept.
    const images = Buffer.alloc(3 * 1024 ** 2, 7).toString('base64');
    const labels = Buffer.alloc(16, 0).toString('base64');
    const reply = await call(ws, { id: 4, channel: 'digits:import', payload: { images, labels } });
    expect(reply).toMatchObject({ id: 4, ok: false });
    expect(reply.error).toMatch(/images/);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it('answers malformed messages, unknown channels and bad payloads with clear errors and keeps serving', async () => {
    const ws = await open(`?token=${host.token}`);
    expect(await call(ws, '{not json')).toEqual({ id: null, ok: false, error: 'malformed message: not JSON' });
    const malformed = { ok: false, error: 'malformed message: expected {id, channel, payload}' };
    expect(await call(ws, [1, 2])).toEqual({ id: null, ...malformed });
    expect(await call(ws, { id: 9, payload: {} })).toEqual({ id: 9, ...malformed });
    expect(await call(ws, { id: 'nine', channel: 'app:info' })).toEqual({ id: null, ...malformed });
    expect(await call(ws, { id: 1, channel: 'fs:readFile', payload: '/etc/passwd' })).toEqual({
      id: 1,
      ok: false,
      error: 'unknown channel "fs:readFile"',
    });
    expect(await call(ws, { id: 2, channel: 'dataset:page', payload: { split: 'val', offset: -1, limit: 5000 } })).toEqual({
      id: 2,
      ok: false,
      error:
        'dataset:page: invalid payload (split: must be train, test or set: and a data set name; offset: Too small: expected number to be >=0; ' +
        'limit: Too big: expected number to be <=1000)',
    });
    expect(await call(ws, { id: 3, channel: 'model:predict', payload: { field: [1, 2, 3] } })).toEqual({
      id: 3,
      ok: false,
      error:
        'model:predict: invalid payload (field.1: Too big: expected number to be <=1; field.2: Too big: expected number to be <=1; ' +
        'field: Too small: expected array to have exactly 784 items)',
    });
    expect(await call(ws, { id: 4, channel: 'dataset:sample', payload: { split: 'test', index: 10000 } })).toEqual({
      id: 4,
      ok: false,
      error: 'test has 10000 samples; there is no index 10000',
    });
    expect(await call(ws, { id: 5, channel: 'runs:activate', payload: { id: '../../etc' } })).toEqual({
      id: 5,
      ok: false,
      error: 'runs:activate: invalid payload (id: a run id looks like 20261127-203000-1a2b)',
    });
    // Valid field by field, but the second kernel does not fit what reaches it (28 → 24 → pooled 12).
    const conv = [
      { filters: 6, kernelSize: 5, padding: 'valid', pool: 'max', poolSize: 2, poolStride: 2 },
      { filters: 16, kernelSize: 13, padding: 'valid', pool: 'none', poolSize: 2, poolStride: 2 },
    ];
    expect(await call(ws, { id: 7, channel: 'training:start', payload: { spec: { ...defaultSpec(), conv } } })).toEqual({
      id: 7,
      ok: false,
      error: 'training:start: invalid payload (spec.conv.1.kernelSize: kernel 13×13 is larger than its 12×12 input)',
    });
    const binary = new Promise<Reply>((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()))));
    ws.send(Buffer.from([1, 2, 3]));
    expect(await binary).toEqual({ id: null, ok: false, error: 'malformed message: binary frames are not accepted' });
    // Still serving, on the same socket:
    const page = await call(ws, { id: 6, channel: 'dataset:page', payload: { split: 'train', label: 3, offset: 0, limit: 200 } });
    expect(page.ok).toBe(true);
    const value = page.value as { total: number; labels: number[]; pixels: string };
    expect(value.total).toBe(6131);
    expect(new Set(value.labels)).toEqual(new Set([3]));
    expect(Buffer.from(value.pixels, 'base64').length).toBe(200 * 784);
    ws.close();
  });

  it(`answers at most ${MAX_IN_FLIGHT} requests in flight per connection and refuses the rest at once`, async () => {
    const original = studio.handlers['dataset:info'];
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Hold every request until the test lets them go, so that all of them are in flight together.
    studio.handlers['dataset:info'] = async () => {
      await gate;
      return original(undefined);
    };
    try {
      const ws = await open(`?token=${host.token}`);
      const received = replies(ws);
      const extra = 8;
      for (let id = 1; id <= MAX_IN_FLIGHT + extra; id++) ws.send(JSON.stringify({ id, channel: 'dataset:info' }));
      await expect.poll(() => received.length).toBe(extra);
      expect(received).toEqual(
        Array.from({ length: extra }, (_, i) => ({
          id: MAX_IN_FLIGHT + 1 + i,
          ok: false,
          error: `too many requests in flight: at most ${MAX_IN_FLIGHT} per connection`,
        })),
      );
      expect(host.stats().connections).toContainEqual({ inFlight: MAX_IN_FLIGHT, buffered: 0 });
      release();
      await expect.poll(() => received.length).toBe(MAX_IN_FLIGHT + extra);
      expect(received.slice(extra).map((r) => [r.id, r.ok])).toEqual(Array.from({ length: MAX_IN_FLIGHT }, (_, i) => [i + 1, true]));
      expect(host.stats().connections.map((c) => c.inFlight)).not.toContain(MAX_IN_FLIGHT);
      ws.close();
      await once(ws, 'close');
    } finally {
      studio.handlers['dataset:info'] = original;
    }
  });

  it(`reads at most ${LARGE_SLOTS} large requests at once over all connections; the others wait, and small ones go on`, async () => {
    const original = studio.handlers['digits:import'];
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let arrived = 0;
    studio.handlers['digits:import'] = async () => {
      arrived++;
      await gate;
      return { added: 0, skipped: 0 };
    };
    try {
      const sockets = await Promise.all(Array.from({ length: 4 }, () => open(`?token=${host.token}`)));
      // 4 MB each: past the threshold, so each needs one of the slots to be read on.
      const images = Buffer.alloc(3 * 1024 ** 2, 1).toString('base64');
      const answers = sockets.map((ws, k) => call(ws, { id: k, channel: 'digits:import', payload: { images, labels: '' } }));
      await expect.poll(() => arrived).toBe(LARGE_SLOTS);
      expect(host.stats().largeInFlight).toBe(LARGE_SLOTS);
      // A small request on another connection is answered meanwhile, and the waiting large ones still wait.
      const other = await open(`?token=${host.token}`);
      expect(await call(other, { id: 9, channel: 'dataset:info' })).toMatchObject({ id: 9, ok: true });
      expect(arrived).toBe(LARGE_SLOTS);
      release();
      expect((await Promise.all(answers)).map((r) => r.ok)).toEqual([true, true, true, true]);
      expect(arrived).toBe(4);
      expect(host.stats().largeInFlight).toBe(0);
      for (const ws of [...sockets, other]) ws.close();
    } finally {
      studio.handlers['digits:import'] = original;
    }
  });

  it('drops a client that stops reading its replies, and keeps serving the others', async () => {
    const other = await open(`?token=${host.token}`);
    const reader = new WebSocket(wsUrl(`?token=${host.token}`), { headers: { Origin: origin() } });
    const upgraded = once(reader, 'upgrade') as Promise<[IncomingMessage]>;
    await once(reader, 'open');
    const [response] = await upgraded;
    const socket = response.socket;
    socket.pause(); // from here on the client reads nothing
    const closed = once(reader, 'close');
    const request = (id: number) => JSON.stringify({ id, channel: 'dataset:page', payload: { split: 'train', offset: 0, limit: 1000 } });
    // Each reply is ~1 MB; keep asking until the host gives up on this client (500 would be ~500 MB unbounded).
    let peak = 0;
    for (let id = 1; id <= 500 && host.stats().dropped === 0; id++) {
      reader.send(request(id));
      await new Promise((resolve) => setImmediate(resolve));
      peak = Math.max(peak, ...host.stats().connections.map((c) => c.buffered));
    }
    expect(host.stats().dropped).toBe(1);
    // Bounded: at most the limit plus the one reply that crossed it.
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(MAX_BUFFERED_BYTES + 2 * 1024 * 1024);
    expect(host.stats().connections.every((c) => c.buffered < MAX_BUFFERED_BYTES)).toBe(true);
    socket.resume();
    await closed;
    expect(await call(other, { id: 1, channel: 'dataset:info' })).toMatchObject({ id: 1, ok: true, value: { counts: { test: 10000 } } });
    other.close();
  });

  it('evaluates the active model on the whole test set, in a worker', async () => {
    const ws = await open(`?token=${host.token}`);
    const reply = await call(ws, { id: 1, channel: 'model:evaluate' });
    expect(reply.ok).toBe(true);
    const value = reply.value as { count: number; accuracy: number; confusion: number[][]; model: { id: string } };
    expect(value.model.id).toBe('bundled');
    expect(value.count).toBe(10000);
    expect(value.confusion.flat().reduce((a, b) => a + b)).toBe(10000);
    expect(value.accuracy).toBeCloseTo(readBundledManifest()!.testAccuracy, 4);
    ws.close();
  });

  it('pushes training events to connected windows', async () => {
    const ws = await open(`?token=${host.token}`);
    const events: string[] = [];
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.event) events.push(message.event);
    });
    const spec = {
      activation: 'relu',
      conv: [{ filters: 4, kernelSize: 5, padding: 'same', pool: 'max', poolSize: 2, poolStride: 2 }],
      dense: [32],
      dropout: 0,
      optimizer: 'adam',
      learningRate: 0.001,
      batchSize: 100,
      epochs: 1,
      seed: 1,
    };
    const started = await call(ws, { id: 1, channel: 'training:start', payload: { spec, trainLimit: 300, testLimit: 100 } });
    expect(started).toMatchObject({ ok: true, value: { runId: expect.any(String) } });
    await expect.poll(() => events.includes('training:done'), { timeout: 60_000 }).toBe(true);
    expect(events).toContain('training:progress');
    expect(events).toContain('training:epoch');
    const runId = (started.value as { runId: string }).runId;
    expect(await call(ws, { id: 2, channel: 'training:start', payload: { spec, resumeId: runId } })).toEqual({
      id: 2,
      ok: false,
      error: `run ${runId} is done; there is nothing left to train`,
    });
    ws.close();
  });
});

describe('browser-mode host: issue 19, findings 6, 9, 13', () => {
  const withHost = (name: string, target = '/') => `GET ${target} HTTP/1.1\r\nHost: ${name}\r\nConnection: close\r\n\r\n`;

  it('serves only requests whose Host is 127.0.0.1, localhost or [::1] with its port (DNS rebinding)', async () => {
    expect(statusLine(await raw(withHost('rebound.example')))).toBe('HTTP/1.1 421 Misdirected Request');
    expect(statusLine(await raw(withHost(`rebound.example:${host.port}`)))).toBe('HTTP/1.1 421 Misdirected Request');
    expect(statusLine(await raw(withHost('127.0.0.1')))).toBe('HTTP/1.1 421 Misdirected Request');
    for (const name of [`127.0.0.1:${host.port}`, `localhost:${host.port}`, `[::1]:${host.port}`]) {
      expect(statusLine(await raw(withHost(name)))).toBe('HTTP/1.1 200 OK');
    }
    const foreignUpgrade = upgrade(`/ws?token=${host.token}`).replace(`Host: 127.0.0.1:${host.port}`, `Host: rebound.example:${host.port}`);
    expect(statusLine(await raw(foreignUpgrade))).toBe('HTTP/1.1 421 Misdirected Request');
  });

  it('refuses a duplicated token parameter, right one first or not', async () => {
    await expect(open(`?token=${host.token}&token=bad`)).rejects.toThrow('HTTP 400');
    await expect(open(`?token=bad&token=${host.token}`)).rejects.toThrow('HTTP 400');
    (await open(`?token=${host.token}`)).close();
  });

  it(`accepts at most ${MAX_CONNECTIONS} connections at once, and more once some close`, async () => {
    const sockets: WebSocket[] = [];
    while (host.stats().connections.length < MAX_CONNECTIONS) sockets.push(await open(`?token=${host.token}`));
    await expect(open(`?token=${host.token}`)).rejects.toThrow('HTTP 503');
    await stillServes();
    for (const ws of sockets) ws.close();
    await Promise.all(sockets.map((ws) => (ws.readyState === ws.CLOSED ? null : once(ws, 'close'))));
    while (host.stats().connections.length >= MAX_CONNECTIONS) await new Promise((resolve) => setImmediate(resolve));
    (await open(`?token=${host.token}`)).close();
  });

  it('names the first few problems of an invalid payload, and refuses an oversized one before checking it', async () => {
    const ws = await open(`?token=${host.token}`);
    const points = Array.from({ length: 200_000 }, () => ['x', 'y']);
    const huge = await call(ws, { id: 1, channel: 'digits:save', payload: { label: 3, drawing: { strokes: [{ width: 1, points }] } } });
    expect(huge).toEqual({
      id: 1,
      ok: false,
      error: `digits:save: invalid payload (more than ${MAX_PAYLOAD_VALUES.toLocaleString('en-US')} values)`,
    });
    const wrong = Array.from({ length: 2_000 }, () => ['x', 'y']);
    const many = await call(ws, { id: 2, channel: 'digits:save', payload: { label: 3, drawing: { strokes: [{ width: 1, points: wrong }] } } });
    expect(many.ok).toBe(false);
    expect(many.error!.split('; ')).toHaveLength(MAX_REPORTED_ISSUES + 1);
    expect(many.error).toMatch(/; [\d,]+ more\)$/);
    expect((await call(ws, { id: 3, channel: 'app:info' })).ok).toBe(true);
    ws.close();
  });

  it('answers runs:delete of a run that does not exist with deleted: false', async () => {
    const ws = await open(`?token=${host.token}`);
    expect(await call(ws, { id: 1, channel: 'runs:delete', payload: { id: '20260101-000000-dead' } })).toEqual({
      id: 1,
      ok: true,
      value: { deleted: false },
    });
    ws.close();
  });
});
