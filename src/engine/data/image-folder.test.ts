// Issue 31, items 1 and 5: a folder of labelled images read through the drawing recipe; stray files skipped,
// counted and named; a folder with no labelled image refused in one line.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PIXELS } from '../../shared/mnist.ts';
import { preprocessDrawing } from '../../shared/preprocess.ts';
import { writeImageFolder, sampleImage } from '../testing/image-folder.ts';
import type { Split } from './dataset.ts';
import { isImageFolder, labelOf, readImageFolder, SampleCollector } from './image-folder.ts';
import jpeg from 'jpeg-js';
import { rng } from './rng.ts';
import { encodePng } from './png.ts';

/** `count` digits: a vertical bar at a different column each, labelled `label`. */
function bars(count: number, label = 1): Split {
  const pixels = new Uint8Array(count * PIXELS);
  for (let k = 0; k < count; k++) for (let row = 4; row < 24; row++) for (let w = 0; w < 3; w++) pixels[k * PIXELS + row * 28 + 6 + k + w] = 255;
  return { count, pixels, labels: new Uint8Array(count).fill(label) };
}

const folder = () => mkdtempSync(join(tmpdir(), 'image-folder-'));

describe('reading a folder of labelled images', () => {
  it('reads PNG and JPEG of any size and either polarity through the drawing recipe', async () => {
    const dir = folder();
    writeImageFolder(join(dir), bars(3, 1), { side: 28 });
    writeImageFolder(join(dir), bars(3, 7), { side: 140, paper: true, jpegEvery: 2 });
    expect(await isImageFolder(dir)).toBe(true);
    const read = await readImageFolder(dir);
    expect(read.skipped).toEqual([]);
    expect(read.files).toEqual(['1/00000.png', '1/00001.png', '1/00002.png', '7/00000.png', '7/00001.jpg', '7/00002.png']);
    expect(Array.from(read.split.labels)).toEqual([1, 1, 1, 7, 7, 7]);
    // Each 28×28 is the drawing recipe's, whatever the image's size or polarity.
    const expected = preprocessDrawing({ channels: 4, ...sampleImage(bars(3), 0) })!;
    const first = read.split.pixels.subarray(0, PIXELS);
    expect(Array.from(first)).toEqual(Array.from(expected, (v) => Math.round(v * 255)));
    const paper = read.split.pixels.subarray(3 * PIXELS, 4 * PIXELS);
    const difference = paper.reduce((sum, v, i) => sum + Math.abs(v - first[i]), 0) / PIXELS;
    expect(difference).toBeLessThan(8);
  });

  it('skips, counts and names stray files, and never stops part-way', async () => {
    const dir = folder();
    writeImageFolder(dir, bars(2, 3));
    writeFileSync(join(dir, '3', 'notes.txt'), 'class 3B, sheet 2');
    writeFileSync(join(dir, '3', 'broken.png'), readFileSync(join(dir, '3', '00000.png')).subarray(0, 60));
    // A valid PNG whose header announces 5000×5000: over the PNG limits, refused before it is unpacked.
    const huge = Buffer.from(encodePng(sampleImage(bars(1), 0)));
    huge.writeUInt32BE(5000, 16);
    huge.writeUInt32BE(5000, 20);
    writeFileSync(join(dir, '3', 'huge.png'), huge);
    const outside = folder();
    writeImageFolder(outside, bars(1, 3));
    symlinkSync(join(outside, '3', '00000.png'), join(dir, '3', 'link-out.png'));
    symlinkSync(join(dir, '3', '00001.png'), join(dir, '3', 'link-in.png'));
    writeFileSync(join(dir, 'README.md'), 'scanned on Tuesday');
    writeFileSync(join(dir, '3', '.DS_Store'), 'Finder');
    mkdirSync(join(dir, 'x'));
    writeFileSync(join(dir, '3', 'blank.png'), encodePng({ width: 10, height: 10, data: new Uint8Array(400).fill(255) }));
    const read = await readImageFolder(dir);
    expect(read.files).toEqual(['3/00000.png', '3/00001.png', '3/link-in.png']);
    expect(read.skipped).toEqual([
      { file: '3/.DS_Store', reason: 'a hidden file' },
      { file: 'README.md', reason: 'not inside a digit folder (0/ … 9/)' },
      { file: 'x', reason: 'not inside a digit folder (0/ … 9/)' },
      { file: '3/blank.png', reason: 'no ink in the image (it is all one shade)' },
      { file: '3/broken.png', reason: expect.stringMatching(/^corrupt PNG/) },
      { file: '3/huge.png', reason: 'the image is 5000×5000; the largest image accepted is 4096×4096' },
      { file: '3/link-out.png', reason: 'a link out of the folder' },
      { file: '3/notes.txt', reason: 'not a PNG or JPEG image' },
    ]);
  });

  it('turns any damaged PNG or JPEG into a reason, never a failure of the import', () => {
    const png = encodePng(sampleImage(bars(1), 0, { side: 40 }));
    const jpg = new Uint8Array(jpeg.encode(sampleImage(bars(1), 0, { side: 40 }), 90).data);
    const random = rng(31);
    const collector = new SampleCollector();
    for (const original of [png, jpg])
      for (let k = 0; k < 300; k++) {
        const bytes = original.slice(0, 4 + Math.floor(random() * original.length));
        // A few bytes overwritten past the signature: a header, a table or the data damaged.
        for (let n = 0; n < 1 + Math.floor(random() * 4); n++) bytes[4 + Math.floor(random() * (bytes.length - 4))] = Math.floor(random() * 256);
        expect(() => collector.add(`1/${k}.bin`, bytes)).not.toThrow();
      }
    expect(collector.count + collector.skipped.length).toBe(600);
    for (const { reason } of collector.skipped) expect(reason).not.toMatch(/\n|^\s*at /);
  });

  it('refuses a folder with no labelled image in one line', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'notes.txt'), 'nothing here');
    mkdirSync(join(dir, '4'));
    writeFileSync(join(dir, '4', 'a.txt'), 'still nothing');
    await expect(readImageFolder(dir)).rejects.toThrow(
      /^.*: no labelled image \(PNG or JPEG inside sub-folders 0\/ … 9\/\); 2 files skipped, first notes\.txt: not inside a digit folder \(0\/ … 9\/\)$/,
    );
    await expect(readImageFolder(join(dir, 'missing'))).rejects.toThrow(/missing: no such file or folder$/);
    expect(await isImageFolder(join(dir, '4'))).toBe(false);
  });

  it('labels only files directly inside a digit folder', () => {
    expect(labelOf('3/a.png')).toBe(3);
    expect(labelOf('a.png')).toBeNull();
    expect(labelOf('3/x/a.png')).toBeNull();
    expect(labelOf('12/a.png')).toBeNull();
    expect(labelOf('../3/a.png')).toBeNull();
  });
});
