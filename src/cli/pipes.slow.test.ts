// The command line through a pipe and against files that are not files (issue 19, findings 12 and 14).
// Slow: each case spawns the CLI.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../engine/data/png.ts';

const root = new URL('../..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'cli-pipes-'));
const cliCommand = `${JSON.stringify(process.execPath)} --import tsx src/cli/index.ts`;

/** A vertical bar on a white canvas, shifted by `x`: a 1 as someone would draw it. */
function barPng(path: string, x: number): string {
  const [w, h] = [120, 160];
  const bar = new Uint8Array(w * h * 4).fill(255);
  for (let y = 20; y < 140; y++) for (let c = x; c < x + 12; c++) bar.fill(0, (y * w + c) * 4, (y * w + c) * 4 + 3);
  writeFileSync(path, encodePng({ width: w, height: h, data: bar }));
  return path;
}

/** Run `args` through `sh -c "cli … | tail"`, with a reader that takes its time, as `jq` on a busy machine does. */
function throughPipe(args: string[], reader: string) {
  const quoted = args.map((a) => `'${a}'`).join(' ');
  return spawnSync('sh', ['-c', `${cliCommand} ${quoted} | ${reader}`], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
    maxBuffer: 256 * 1024 ** 2,
  });
}

describe('the command line through a pipe (finding 14)', () => {
  it('predict --explain --json prints one whole line per image into a slow reader', () => {
    const images = [0, 1, 2, 3, 4].map((k) => barPng(join(tmp, `bar${k}.png`), 30 + k * 10));
    // The reader starts late: whatever the CLI had not handed to the pipe when it exited would be lost.
    const result = throughPipe(['predict', '--explain', '--json', ...images], 'sh -c "sleep 2; cat"');
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines.map((line) => JSON.parse(line).file)).toEqual(images);
  });
});

describe('only regular files are read (finding 12)', () => {
  /** One line on stderr and exit 2. */
  function expectRefused(file: string, pattern: RegExp) {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'predict', file], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
      killSignal: 'SIGKILL',
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(pattern)]);
  }

  it('refuses /dev/zero in one line', () => {
    expectRefused('/dev/zero', /^error: \/dev\/zero: not a regular file/);
  });

  it('refuses a FIFO in one line instead of waiting on it', () => {
    const fifo = join(tmp, 'digit.png');
    execFileSync('mkfifo', [fifo]);
    expectRefused(fifo, /digit\.png: not a regular file/);
  });

  it('refuses a PNG over the size limit, checked before reading it', () => {
    const big = join(tmp, 'big.png');
    writeFileSync(big, new Uint8Array(65 * 1024 ** 2));
    expectRefused(big, /big\.png: 65 MB; the studio reads files of at most 64 MB/);
  });
});
