// predict and read take their images one at a time (issue 27, items 9 and 12): forty 4096² PNGs were all
// decoded before the first was answered, and a blank image built the whole nearest-digits index first.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodePng } from '../engine/data/png.ts';
import { predictCommand } from './commands.ts';
import { readCommand } from './read.ts';

const built = vi.hoisted(() => ({ indexes: 0 }));
vi.mock('../engine/model/neighbours.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../engine/model/neighbours.ts')>();
  return { ...original, buildIndex: (...args: Parameters<typeof original.buildIndex>) => (built.indexes++, original.buildIndex(...args)) };
});

const tmp = mkdtempSync(join(tmpdir(), 'cli-stream-'));
const [bar, cut, blank] = ['bar.png', 'cut.png', 'blank.png'].map((name) => join(tmp, name));

beforeAll(() => {
  const [w, h] = [120, 160];
  const data = new Uint8Array(w * h * 4).fill(255);
  for (let y = 20; y < 140; y++) for (let x = 55; x < 67; x++) data.fill(0, (y * w + x) * 4, (y * w + x) * 4 + 3);
  const png = encodePng({ width: w, height: h, data });
  writeFileSync(bar, png);
  // Its header whole, its image data cut short: only decoding finds that out.
  writeFileSync(cut, png.subarray(0, png.length >> 1));
  writeFileSync(blank, encodePng({ width: 40, height: 40, data: new Uint8Array(40 * 40 * 4).fill(255) }));
});
afterEach(() => vi.restoreAllMocks());

/** Run `command`, keeping what it printed even when it fails. */
async function run(command: (argv: string[]) => Promise<void>, argv: string[]): Promise<{ out: string[]; error: unknown }> {
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  const error = await command(argv).then(
    () => null,
    (err: unknown) => err,
  );
  return { out, error };
}

describe('images one at a time', () => {
  it('predict answers each image before decoding the next, and names a truncated one in words', async () => {
    const { out, error } = await run(predictCommand, [bar, cut, '--json']);
    expect(out.map((line) => JSON.parse(line).file)).toEqual([bar]);
    expect(String(error)).toMatch(/cut\.png: corrupt PNG \(the file ends early; it may have been cut short\)$/);
  });

  it('read answers each image before decoding the next', async () => {
    const { out, error } = await run(readCommand, [bar, cut, '--json']);
    expect(out.map((line) => JSON.parse(line).file)).toEqual([bar]);
    expect(String(error)).toMatch(/cut\.png: corrupt PNG \(the file ends early/);
  });

  it('predict --neighbours of a blank image says there is no ink without building the index', async () => {
    const { out, error } = await run(predictCommand, ['--neighbours', '3', blank, '--json']);
    expect(error).toBeNull();
    expect(JSON.parse(out[0])).toEqual({ file: blank, label: null, error: 'no ink in the image' });
    expect(built.indexes).toBe(0);
  });
});
