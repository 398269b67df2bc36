// Issue 26: main hosts the engine but its own thread only routes. The shell runs on the stand-in Electron with
// its real engine (in threads) and the window's requests go through its ipcMain handlers; main's event loop
// delay (not wall time) is counted while a read of a 1,200-px photo, an explanation and a neighbours query run.
// What main's own work delays is the loop's longest busy stretch (event-loop utilisation's active time between
// two ticks): on a shared machine the OS may also hand main's core to other processes while it waits, which
// monitorEventLoopDelay sees and no code here can change, so that is printed beside it, not asserted.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadDataset } from '../engine/data/dataset.ts';
import { photoPng } from '../engine/testing/photo.ts';
import type { Reply } from '../shared/contract.ts';
import { PIXELS } from '../shared/mnist.ts';
import { runApp } from './app.ts';
import { standInElectron, StandInWindow } from './testing/stand-in-electron.ts';

type Handler = (event: unknown, payload: unknown) => Promise<Reply<unknown>>;
const handlers = vi.hoisted(() => new Map<string, Handler>());
vi.mock('electron', () => ({
  ipcMain: { handle: (channel: string, handler: Handler) => handlers.set(channel, handler), removeHandler: () => undefined },
}));

/** The most main's loop may be late, in ms: the goal that keeps menus, window moves and replies prompt. */
const MAX_LOOP_DELAY_MS = 50;
const field = Array.from({ length: PIXELS }, (_, i) => (i % 28 > 11 && i % 28 < 16 && i > 150 && i < 630 ? 1 : 0));
let shell: ReturnType<typeof standInElectron>;

/** Ask as the app's own window does, through the handler main registered. */
function invoke(channel: string, payload?: unknown): Promise<Reply<unknown>> {
  const [window] = StandInWindow.all;
  return handlers.get(channel)!({ sender: window.webContents, senderFrame: { url: 'file:///app/out/renderer/index.html' } }, payload);
}

beforeAll(async () => {
  vi.stubEnv('DIGIT_STUDIO_HOME', mkdtempSync(join(tmpdir(), 'main-loop-')));
  shell = standInElectron();
  runApp(shell.electron, { csp: "default-src 'self'", mainDir: '/app/out/main' });
  await vi.waitFor(() => expect(StandInWindow.all[0]?.loaded).toBeTruthy(), { timeout: 120_000, interval: 100 });
}, 180_000);

afterAll(async () => {
  shell.app.emit('before-quit', { preventDefault: () => undefined });
  expect(await shell.exited).toBe(0);
  vi.unstubAllEnvs();
});

describe("main's own thread", () => {
  it(`answers within ${MAX_LOOP_DELAY_MS} ms while a read, an explanation and a neighbours query run`, async () => {
    const png = photoPng((await loadDataset()).test);
    expect(await invoke('model:predict', { field })).toMatchObject({ ok: true });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let worstBusy = 0;
    let before = performance.eventLoopUtilization();
    const ticks = setInterval(() => {
      const now = performance.eventLoopUtilization();
      worstBusy = Math.max(worstBusy, now.active - before.active);
      before = now;
    }, 5);
    const replies = await Promise.all([
      invoke('model:read', { png }),
      invoke('model:explain', { field }),
      invoke('model:neighbours', { field }),
      invoke('model:predict', { field }),
    ]);
    clearInterval(ticks);
    delay.disable();
    expect(replies.map((reply) => reply.ok)).toEqual([true, true, true, true]);
    const ms = (ns: number) => `${(ns / 1e6).toFixed(1)} ms`;
    console.log(
      `main's loop while busy: longest busy stretch ${worstBusy.toFixed(1)} ms; delay p50 ${ms(delay.percentile(50))}, p99 ${ms(delay.percentile(99))}, max ${ms(delay.max)}`,
    );
    expect(worstBusy).toBeLessThan(MAX_LOOP_DELAY_MS);
    expect(delay.percentile(50) / 1e6).toBeLessThan(MAX_LOOP_DELAY_MS);
  });
});
