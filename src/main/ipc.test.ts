// The Electron shell's IPC wiring, with a stand-in for Electron's ipcMain (the binary cannot run here).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { invokeChannels } from '../shared/channels.ts';

type Handler = (event: unknown, payload: unknown) => Promise<unknown> | unknown;
const handlers = new Map<string, Handler>();

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { wireIpc } = await import('./ipc.ts');
const { Studio } = await import('../engine/studio.ts');
type Studio = Awaited<ReturnType<typeof Studio.open>>;

const APP_URL = 'file:///app/out/renderer/index.html';
const sent: [string, unknown][] = [];
const webContents = { send: (channel: string, payload: unknown) => sent.push([channel, payload]) };
const window = { webContents, isDestroyed: () => false };
const fromApp = { sender: webContents, senderFrame: { url: APP_URL } };

let unwire: () => void;
let studio: Studio;

beforeAll(async () => {
  studio = await Studio.open({ userDir: mkdtempSync(join(tmpdir(), 'ipc-')), transport: 'electron', version: 'test' });
  unwire = wireIpc(studio, window as never, (url) => url === APP_URL);
});

afterAll(async () => {
  await studio.close();
});

describe('Electron IPC wiring', () => {
  it('registers exactly the contract channels', () => {
    expect([...handlers.keys()].sort()).toEqual([...invokeChannels].sort());
  });

  it('answers the app window with validated payloads', async () => {
    const info = (await handlers.get('app:info')!(fromApp, undefined)) as { ok: boolean; value: { transport: string; backend: string } };
    expect(info).toMatchObject({ ok: true, value: { transport: 'electron', backend: 'wasm' } });
    const bad = await handlers.get('dataset:page')!(fromApp, { split: 'train', offset: 0, limit: 5000 });
    expect(bad).toMatchObject({ ok: false, error: expect.stringMatching(/^dataset:page: invalid payload \(limit: /) });
  });

  it('refuses other senders and other pages', async () => {
    const otherWindow = { sender: { send: () => undefined }, senderFrame: { url: APP_URL } };
    const otherPage = { sender: webContents, senderFrame: { url: 'https://example.com/' } };
    for (const event of [otherWindow, otherPage]) {
      expect(await handlers.get('app:info')!(event, undefined)).toEqual({
        ok: false,
        error: 'refused: app:info from a sender that is not the app window',
      });
    }
  });

  it('pushes engine events to the window, and unwires cleanly', async () => {
    await handlers.get('runs:activate')!(fromApp, { id: 'bundled' });
    expect(sent.some(([channel]) => channel === 'model:changed')).toBe(true);
    unwire();
    expect(handlers.size).toBe(0);
  });
});
