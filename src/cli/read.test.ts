// `read` in-process: its output lines and its refusals (the exit codes are index.ts's, tested in cli.test.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodePng } from '../engine/data/png.ts';
import { UserError } from '../engine/errors.ts';
import { loadDataset } from '../engine/data/dataset.ts';
import { composeNumber } from '../engine/testing/compose.ts';
import { readCommand } from './read.ts';
import { UsageError } from './errors.ts';

const tmp = mkdtempSync(join(tmpdir(), 'cli-read-'));
const rgba = (width: number, height: number, fill: number) => new Uint8Array(width * height * 4).fill(fill);

beforeAll(async () => {
  const { test } = await loadDataset();
  // The first 2, 0, 2 and 6 of MNIST's test split.
  const first = (label: number, k = 0) => [...test.labels].reduce<number[]>((found, l, i) => (l === label ? [...found, i] : found), [])[k];
  const { image } = composeNumber(test, [first(2), first(0), first(2, 1), first(6)], { size: 48 });
  const data = new Uint8Array(image.width * image.height * 4);
  for (let i = 0; i < image.width * image.height; i++) data.set([image.data[i * 3], image.data[i * 3 + 1], image.data[i * 3 + 2], 255], i * 4);
  writeFileSync(join(tmp, '2026.png'), encodePng({ width: image.width, height: image.height, data }));
  writeFileSync(join(tmp, 'empty.png'), encodePng({ width: 60, height: 30, data: rgba(60, 30, 255) }));
  writeFileSync(join(tmp, 'ink.png'), encodePng({ width: 60, height: 30, data: rgba(60, 30, 0).map((v, i) => (i % 4 === 3 ? 255 : v)) }));
  writeFileSync(join(tmp, 'notes.txt'), 'not an image');
  const bomb = encodePng({ width: 1, height: 1, data: new Uint8Array(4) });
  new DataView(bomb.buffer).setUint32(16, 30_000);
  new DataView(bomb.buffer).setUint32(20, 30_000);
  writeFileSync(join(tmp, 'bomb.png'), bomb);
});

afterEach(() => vi.restoreAllMocks());

/** What the command prints, one entry a line. */
async function lines(argv: string[]): Promise<string[]> {
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  await readCommand(argv);
  return out;
}

describe('cli read', () => {
  it('prints one JSON line per image: the number and each digit with its box', async () => {
    const [line] = await lines([join(tmp, '2026.png'), '--json']);
    const result = JSON.parse(line);
    expect(result.file).toBe(join(tmp, '2026.png'));
    expect(result.number).toBe('2026');
    expect(result.digits).toHaveLength(4);
    for (const digit of result.digits) {
      expect(Object.keys(digit)).toEqual(expect.arrayContaining(['box', 'label', 'probabilities', 'confident']));
      expect(digit.box).toHaveLength(4);
      expect(digit.probabilities).toHaveLength(10);
    }
    // Left to right, not overlapping.
    for (let k = 1; k < 4; k++) expect(result.digits[k].box[0]).toBeGreaterThanOrEqual(result.digits[k - 1].box[0] + result.digits[k - 1].box[2]);
  });

  it('prints a line per image without --json', async () => {
    const out = await lines([join(tmp, '2026.png')]);
    expect(out[1]).toMatch(/2026\.png: 2026 \(/);
  });

  it.each([
    ['notes.txt', /notes\.txt: not a PNG file/],
    ['empty.png', /empty\.png: the image is one flat colour/],
    ['ink.png', /ink\.png: the image is one flat colour/],
    ['bomb.png', /bomb\.png is 30000×30000; the largest image accepted is 4096×4096/],
    ['missing.png', /missing\.png: no such file/],
  ])('refuses %s with one clear line', async (file, message) => {
    const run = lines([join(tmp, file), '--json']);
    await expect(run).rejects.toThrow(UserError);
    await expect(run).rejects.toThrow(message);
  });

  it('asks for an image', async () => {
    await expect(lines(['--json'])).rejects.toThrow(UsageError);
  });
});
