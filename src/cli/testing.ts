// What the command line's tests share: the command run in this process, or spawned as `npm run cli` runs it,
// and the files they feed it.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { expect, vi } from 'vitest';
import { encodePng } from '../engine/data/png.ts';
import { runCli } from './main.ts';

const root = new URL('../..', import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The command in this process, with what it prints to stdout and stderr. */
export async function cli(...args: string[]): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void stdout.push(parts.join(' ') + '\n'));
  const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void stderr.push(parts.join(' ') + '\n'));
  try {
    const code = await runCli(args);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    process.exitCode = undefined;
  }
}

/** The command as `npm run cli` spawns it, its output read through pipes. */
export function spawned(...args: string[]): CliResult {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    killSignal: 'SIGKILL',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** An IDX file with a header of `dims` and no data after it. */
export function emptyIdx(magic: number, dims: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  return out;
}

/** A vertical black bar on a white 120×160 canvas: a 1, as someone would draw it. */
export function writeBarPng(path: string): void {
  const [w, h] = [120, 160];
  const bar = new Uint8Array(w * h * 4).fill(255);
  for (let y = 20; y < 140; y++) for (let x = 55; x < 67; x++) bar.fill(0, (y * w + x) * 4, (y * w + x) * 4 + 3);
  writeFileSync(path, encodePng({ width: w, height: h, data: bar }));
}

/** A user error: exit 2 and one clear line on stderr that matches `pattern`, no stack trace. */
export function expectUserError(result: CliResult, pattern: RegExp) {
  expect(result.code).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}
