// `npx tsx scripts/bench-busy-predict.ts [--url URL] [--cold-index] [--seconds S]`: how fast browser mode's
// WebSocket answers model:predict, idle and while two model:read of a 1,200-px photo, a model:explain and a
// model:neighbours are in flight (the goal: p95 <= 50 ms busy on 2 cores). Predictions are sent every 25 ms
// whatever the replies do, as a person drawing would; each is timed from its sending to its reply.
// It starts its own host on a fresh home folder unless --url names a running one (the address it printed).
// The nearest-digits index is built before measuring (as after a first Why) unless --cold-index.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { loadDataset, PIXELS } from '../src/engine/data/dataset.ts';
import { PHOTO_HEIGHT, PHOTO_WIDTH, photoPng } from '../src/engine/testing/photo.ts';

const { values } = parseArgs({ options: { url: { type: 'string' }, 'cold-index': { type: 'boolean' }, seconds: { type: 'string' } } });
const IDLE_MS = Number(values.seconds ?? 4) * 1000;
const EVERY_MS = 25;

/** A host of our own on a fresh home folder; its address. */
async function startHost(): Promise<{ url: string; stop: () => void }> {
  const home = mkdtempSync(join(tmpdir(), 'bench-busy-'));
  // The host serves a page; the benchmark needs none, so a stub stands in for the built window.
  writeFileSync(join(home, 'index.html'), '<!doctype html><title>bench</title>');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/host/cli.ts', '--port', '0', '--json', '--user-dir', home, '--renderer', home], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the host exited with code ${code}`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, stop: () => child.kill('SIGTERM') };
}

type Reply = { id: number | null; ok: boolean; error?: string; value?: unknown };

/** The contract over one WebSocket, as the window's client speaks it. */
async function connect(address: string) {
  const page = new URL(address);
  const ws = new WebSocket(`ws://${page.host}/ws?token=${page.searchParams.get('token')}`, { origin: page.origin });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const pending = new Map<number, (reply: Reply) => void>();
  let nextId = 1;
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as Reply;
    if (typeof message.id === 'number') pending.get(message.id)?.(message);
  });
  const invoke = (channel: string, payload?: unknown) =>
    new Promise<Reply>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, channel, payload }));
    });
  return { invoke, close: () => ws.close() };
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)];
const line = (name: string, xs: number[]) =>
  `${name.padEnd(5)} n=${xs.length}  p50 ${percentile(xs, 0.5).toFixed(1)} ms  p95 ${percentile(xs, 0.95).toFixed(1)} ms  max ${Math.max(...xs).toFixed(1)} ms`;

/** Send a prediction every 25 ms until `until` resolves (and at least `atLeast` ms); each one's round trip. */
async function predictions(
  invoke: (channel: string, payload: unknown) => Promise<Reply>,
  atLeast: number,
  until: Promise<unknown> = Promise.resolve(),
) {
  const field = Array.from({ length: PIXELS }, (_, i) => (i % 28 > 11 && i % 28 < 16 && i > 120 && i < 660 ? 1 : 0));
  const times: Promise<number>[] = [];
  let done = false;
  void until.then(() => (done = true));
  const start = performance.now();
  while (!done || performance.now() - start < atLeast) {
    const sent = performance.now();
    times.push(
      invoke('model:predict', { field }).then((reply) => {
        if (!reply.ok) throw new Error(`model:predict failed: ${reply.error}`);
        return performance.now() - sent;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
  }
  return Promise.all(times);
}

const host = values.url ? { url: values.url, stop: () => undefined } : await startHost();
try {
  const png = photoPng((await loadDataset()).test);
  const { invoke, close } = await connect(host.url);
  const field = Array.from({ length: PIXELS }, (_, i) => (i % 28 > 8 && i % 28 < 20 && i > 200 && i < 600 ? 0.9 : 0));
  await invoke('model:predict', { field });
  if (!values['cold-index']) {
    const warm = performance.now();
    const reply = await invoke('model:neighbours', { field });
    console.log(`nearest-digits index ready in ${((performance.now() - warm) / 1000).toFixed(1)} s (${reply.ok ? 'ok' : reply.error})`);
  }
  const idle = await predictions(invoke, IDLE_MS);
  const heavy = [
    ['model:read', { png }],
    ['model:read', { png }],
    ['model:explain', { field }],
    ['model:neighbours', { field }],
  ] as const;
  const began = performance.now();
  const jobs = heavy.map(([channel, payload]) =>
    invoke(channel, payload).then((reply) => ({ channel, ok: reply.ok, error: reply.error, ms: performance.now() - began })),
  );
  const busy = await predictions(invoke, IDLE_MS, Promise.all(jobs));
  close();
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model}), load average ${loadavg()[0].toFixed(2)}`);
  console.log(`photo: ${PHOTO_WIDTH}x${PHOTO_HEIGHT} PNG, ${Math.round((png.length * 3) / 4 / 1024)} KiB; predictions every ${EVERY_MS} ms`);
  console.log(line('idle', idle));
  console.log(line('busy', busy));
  for (const job of await Promise.all(jobs))
    console.log(`  ${job.channel.padEnd(16)} ${job.ok ? 'ok' : `FAILED: ${job.error}`} after ${(job.ms / 1000).toFixed(2)} s`);
} finally {
  host.stop();
}
