import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** `npm run serve`'s host as its own process, with the output it has printed so far. */
function serve(args: string[], preload: string[] = []) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ...preload.flatMap((p) => ['--import', p]), 'src/host/cli.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, out, exited };
}

function renderer(): string {
  const dir = mkdtempSync(join(tmpdir(), 'renderer-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Digit Studio</title>');
  return dir;
}

const userDir = () => mkdtempSync(join(tmpdir(), 'user-'));

describe('npm run serve', () => {
  it.each([
    [['--port', 'abc'], 'error: --port: "abc" is not a port number (0–65535)'],
    [['--port', '70000'], 'error: --port: "70000" is not a port number (0–65535)'],
    [['--port', ''], 'error: --port: "" is not a port number (0–65535)'],
    [['--prot', '1'], "error: Unknown option '--prot'"],
    [
      ['--renderer', '/nonexistent/renderer'],
      'error: /nonexistent/renderer has no built studio (index.html): run `npm run build` first (npm run serve does)',
    ],
  ])('exits 2 with one line for %j', async (args, message) => {
    const { out, exited } = serve(args);
    expect(await exited).toBe(2);
    expect(out.stderr).toBe(`${message}\n`);
  });

  it('exits 2 with one line when the --port asked for is in use', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const { out, exited } = serve(['--port', String(port), '--renderer', renderer(), '--user-dir', userDir()]);
      expect(await exited).toBe(2);
      expect(out.stderr.trimEnd().split('\n').at(-1)).toBe(
        `error: --port ${port}: the port is in use; choose another, or leave --port out to take a free one`,
      );
      expect(out.stderr).not.toMatch(/^\s+at /m);
    } finally {
      taken.close();
    }
  });

  it('logs a stray exception or rejection on one line and keeps serving', async () => {
    // Planted in the host's process: on SIGUSR2, one exception nothing catches and one rejection nothing handles.
    const stray = `process.on('SIGUSR2', () => { setImmediate(() => { throw new Error('stray exception'); }); Promise.reject(new Error('stray rejection')); });`;
    const { child, out, exited } = serve(
      ['--port', '0', '--json', '--renderer', renderer(), '--user-dir', userDir()],
      [`data:text/javascript,${encodeURIComponent(stray)}`],
    );
    await expect.poll(() => out.stdout, { timeout: 60_000 }).toMatch(/^\{.*\}\n/);
    const { url } = JSON.parse(out.stdout) as { url: string };
    child.kill('SIGUSR2');
    await expect.poll(() => out.stderr.match(/stray (exception|rejection)/g)?.length ?? 0).toBe(2);
    const lines = out.stderr.trimEnd().split('\n');
    expect(lines.find((line) => line.includes('stray exception'))).toMatch(
      /^digit-studio host: uncaught exception \(still serving\): Error: stray exception \(at .+\)$/,
    );
    expect(lines.find((line) => line.includes('stray rejection'))).toMatch(
      /^digit-studio host: unhandled rejection \(still serving\): Error: stray rejection \(at .+\)$/,
    );
    expect(out.stderr).not.toMatch(/^\s+at /m);
    expect((await fetch(url)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('started again for the same home folder, keeps its address: the page left open reconnects (issue 26, item 5)', async () => {
    const [home, page] = [userDir(), renderer()];
    const urls: string[] = [];
    for (let start = 0; start < 2; start++) {
      const { child, out, exited } = serve(['--port', '0', '--json', '--renderer', page, '--user-dir', home]);
      await expect.poll(() => out.stdout, { timeout: 60_000 }).toMatch(/^\{.*\}\n/);
      urls.push((JSON.parse(out.stdout) as { url: string }).url);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    const token = (url: string) => new URL(url).searchParams.get('token');
    expect(token(urls[0])).toMatch(/^[0-9a-f]{48}$/);
    expect(token(urls[1])).toBe(token(urls[0]));
  });
});
