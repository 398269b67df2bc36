// `npx tsx scripts/bench-host-memory.ts [--connections 64]`: browser mode's memory while every connection sends
// the largest request the contract takes at once (digits:import of a 64 MB images file: an 85 MB message).
// Starts the host in a process of its own and reads its resident memory from /proc (Linux only) while the
// requests are answered, and after. The client writes one prepared frame to raw sockets, so that it holds
// the message once however many connections send it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { connections: { type: 'string' } } });
const CONNECTIONS = Number(values.connections ?? 64);
const HOST_CLI = fileURLToPath(new URL('../src/host/cli.ts', import.meta.url));

/** The resident and peak resident memory of process `pid`, in MB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** One client text frame holding `payload`, masked with the key 0 (so the bytes are the payload as is). */
function frame(payload: Buffer): Buffer {
  const header = Buffer.alloc(14);
  header[0] = 0x81;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(payload.length), 2);
  // header[10..13]: the masking key, zero.
  return Buffer.concat([header, payload]);
}

/** A raw socket upgraded to a WebSocket on `port`; resolves once the host answered 101. */
function upgraded(port: number, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.write(
      `GET /ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://127.0.0.1:${port}\r\n\r\n`,
    );
    socket.once('data', (chunk) => (chunk.toString('latin1').startsWith('HTTP/1.1 101') ? resolve(socket) : reject(new Error(chunk.toString()))));
  });
}

const renderer = mkdtempSync(join(tmpdir(), 'renderer-'));
writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Digit Studio</title>');
const child = spawn(
  process.execPath,
  ['--import', 'tsx', HOST_CLI, '--renderer', renderer, '--user-dir', mkdtempSync(join(tmpdir(), 'user-')), '--port', '0', '--json'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const { url, port } = await new Promise<{ url: string; port: number }>((resolve) =>
  child.stdout.setEncoding('utf8').once('data', (line: string) => resolve(JSON.parse(line))),
);
const token = new URL(url).searchParams.get('token')!;
const idle = memoryOf(child.pid!);

// 64 MB of images (an IDX header the engine refuses once it has decoded them), base64: the largest request.
const images = Buffer.alloc(64 * 1024 ** 2 - 16, 7).toString('base64');
const message = frame(Buffer.from(JSON.stringify({ id: 1, channel: 'digits:import', payload: { images, labels: '' } })));
const sockets = await Promise.all(Array.from({ length: CONNECTIONS }, () => upgraded(port, token)));
let peakSeen = idle.rss;
const sampler = setInterval(() => (peakSeen = Math.max(peakSeen, memoryOf(child.pid!).rss)), 50);
const began = Date.now();
const answered = sockets.map((socket) => new Promise<void>((resolve) => socket.once('data', () => resolve())));
for (const socket of sockets) socket.write(message);
await Promise.all(answered);
const seconds = (Date.now() - began) / 1000;
clearInterval(sampler);
const after = memoryOf(child.pid!);
console.log(
  `${CONNECTIONS} connections × ${(message.length / 1024 ** 2).toFixed(1)} MB (digits:import of 64 MB of images), all answered in ${seconds.toFixed(1)} s`,
);
console.log(`host resident memory: ${idle.rss.toFixed(0)} MB idle, peak ${after.peak.toFixed(0)} MB (VmHWM), ${after.rss.toFixed(0)} MB after`);
for (const socket of sockets) socket.destroy();
child.kill('SIGTERM');
