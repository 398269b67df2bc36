import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { readBundledManifest } from '../engine/model/bundled.ts';
import { Studio } from '../engine/studio.ts';
import { defaultSpec } from '../shared/spec.ts';
import { type Host, startHost } from './server.ts';

let host: Host;
let studio: Studio;

beforeAll(async () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'renderer-'));
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Digit Studio</title>');
  studio = await Studio.open({ userDir: mkdtempSync(join(tmpdir(), 'user-')), transport: 'websocket', version: 'test' });
  host = await startHost({ studio, rendererDir, port: 0 });
});

afterAll(async () => {
  await studio.close();
  await host.close();
});

const origin = () => `http://127.0.0.1:${host.port}`;

/** Open a socket; resolves with it, or rejects with the HTTP status of a refused upgrade. */
function open(query: string, headers: Record<string, string> = { Origin: origin() }): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, message: unknown): Promise<{ id: unknown; ok: boolean; value?: unknown; error?: string }> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(data.toString())));
    ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  });
}

describe('browser-mode host', () => {
  it('serves the renderer on 127.0.0.1 with a strict CSP, and nothing outside it', async () => {
    const res = await fetch(`${origin()}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self'/);
    expect((await fetch(`${origin()}/..%2f..%2fetc/passwd`)).status).toBe(404);
    expect((await fetch(`${origin()}/`, { method: 'POST' })).status).toBe(405);
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
  });

  it('refuses a missing token, a wrong token and a foreign Origin', async () => {
    await expect(open('')).rejects.toThrow('HTTP 401');
    await expect(open('?token=nope')).rejects.toThrow('HTTP 403');
    await expect(open(`?token=${host.token}`, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(open(`?token=${host.token}`, {})).rejects.toThrow('HTTP 403');
  });

  it('answers malformed messages, unknown channels and bad payloads with clear errors and keeps serving', async () => {
    const ws = await open(`?token=${host.token}`);
    expect(await call(ws, '{not json')).toEqual({ id: null, ok: false, error: 'malformed message: not JSON' });
    expect(await call(ws, [1, 2])).toMatchObject({ ok: false, error: expect.stringMatching(/^malformed message/) });
    expect(await call(ws, { id: 1, channel: 'fs:readFile', payload: '/etc/passwd' })).toEqual({
      id: 1,
      ok: false,
      error: 'unknown channel "fs:readFile"',
    });
    expect(await call(ws, { id: 2, channel: 'dataset:page', payload: { split: 'val', offset: -1, limit: 5000 } })).toMatchObject({
      id: 2,
      ok: false,
      error: expect.stringMatching(/dataset:page: invalid payload \(split: .*; offset: .*; limit: .*\)/),
    });
    expect(await call(ws, { id: 3, channel: 'model:predict', payload: { field: [1, 2, 3] } })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/field/),
    });
    expect(await call(ws, { id: 4, channel: 'dataset:sample', payload: { split: 'test', index: 10000 } })).toMatchObject({
      ok: false,
      error: 'test has 10000 samples; there is no index 10000',
    });
    expect(await call(ws, { id: 5, channel: 'runs:activate', payload: { id: '../../etc' } })).toMatchObject({ ok: false });
    // Valid field by field, but the second kernel does not fit what reaches it (28 → 24 → pooled 12).
    const conv = [
      { filters: 6, kernelSize: 5, padding: 'valid', pool: 'max', poolSize: 2, poolStride: 2 },
      { filters: 16, kernelSize: 13, padding: 'valid', pool: 'none', poolSize: 2, poolStride: 2 },
    ];
    expect(await call(ws, { id: 7, channel: 'training:start', payload: { spec: { ...defaultSpec(), conv } } })).toMatchObject({
      ok: false,
      error: expect.stringContaining('conv.1.kernelSize: kernel 13×13 is larger than its 12×12 input'),
    });
    // Still serving, on the same socket:
    const page = await call(ws, { id: 6, channel: 'dataset:page', payload: { split: 'train', label: 3, offset: 0, limit: 200 } });
    expect(page.ok).toBe(true);
    const value = page.value as { total: number; labels: number[]; pixels: string };
    expect(value.total).toBe(6131);
    expect(new Set(value.labels)).toEqual(new Set([3]));
    expect(Buffer.from(value.pixels, 'base64').length).toBe(200 * 784);
    ws.close();
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
    expect(await call(ws, { id: 2, channel: 'training:start', payload: { spec, resumeId: runId } })).toMatchObject({
      ok: false,
      error: `run ${runId} is done; there is nothing left to train`,
    });
    ws.close();
  });
});
