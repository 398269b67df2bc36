import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DigitStore } from '../store/digits.ts';
import { decodeIdxPair, encodeIdxImages, encodeIdxLabels, fromIdxPair, PAIR_FILES, readPairFolder, toIdxPair, writePairFolder } from './idx-pair.ts';
import { IDX_IMAGES_MAGIC } from './idx.ts';
import { loadDataset } from './dataset.ts';
import { PIXELS, SPLIT_COUNTS } from '../../shared/mnist.ts';

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** `n` distinct images (each a different byte pattern) with labels cycling 0–9. */
function split(n: number) {
  return {
    count: n,
    pixels: Uint8Array.from({ length: n * PIXELS }, (_, i) => (i * 7 + Math.floor(i / PIXELS) * 31) % 256),
    labels: Uint8Array.from({ length: n }, (_, k) => (k * 3) % 10),
  };
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('IDX pair', () => {
  it('export → import → export through the collection is exact, bytes and labels, in order', async () => {
    const original = split(25);
    const pair = toIdxPair(original);
    const store = new DigitStore(join(tmp('digits-'), 'digits'));
    expect(await store.append(fromIdxPair(pair))).toEqual({ added: 25, skipped: 0 });
    const again = toIdxPair(await store.split());
    expect(again).toEqual(pair);
    const back = fromIdxPair(again);
    expect(back.pixels).toEqual(original.pixels);
    expect(back.labels).toEqual(original.labels);
  });

  it('names what is wrong with a malformed pair', () => {
    const good = split(3);
    const images = encodeIdxImages(good.pixels, 3);
    const labels = encodeIdxLabels(good.labels);
    expect(() => decodeIdxPair(images, encodeIdxLabels(good.labels.subarray(0, 2)))).toThrow(
      'the labels file holds 2 labels but the images file holds 3 images; they must match',
    );
    expect(() => decodeIdxPair(labels, labels)).toThrow('the images file: bad IDX magic number 2049, expected 2051');
    expect(() => decodeIdxPair(images, images)).toThrow('the labels file: bad IDX magic number 2051, expected 2049');
    const small = new Uint8Array(16 + 3 * 20 * 20);
    new DataView(small.buffer).setUint32(0, IDX_IMAGES_MAGIC);
    [3, 20, 20].forEach((d, i) => new DataView(small.buffer).setUint32(4 + 4 * i, d));
    expect(() => decodeIdxPair(small, labels)).toThrow('the images file: images are 20×20; my digits are 28×28');
    expect(() => decodeIdxPair(images.subarray(0, 100), labels)).toThrow(/the images file: expected 2368 bytes for 3 images of 28×28, found 100/);
    const badLabel = encodeIdxLabels(Uint8Array.from([1, 12, 3]));
    expect(() => decodeIdxPair(images, badLabel)).toThrow('the labels file: label 12 at index 1 is not a digit 0–9');
    expect(() => fromIdxPair({ images: b64(Uint8Array.from([1, 2])), labels: b64(labels) })).toThrow(
      /the images file: bad IDX magic number|too short/,
    );
  });

  it('writes and reads the folder form, and `--data DIR` trains on MNIST plus the folder and tests on MNIST', async () => {
    const dir = tmp('pair-');
    const mine = split(12);
    await writePairFolder(dir, mine);
    expect(readFileSync(join(dir, PAIR_FILES.images)).subarray(16)).toEqual(Buffer.from(mine.pixels));
    const back = await readPairFolder(dir);
    expect(back.labels).toEqual(mine.labels);
    const dataset = await loadDataset(dir);
    expect(dataset.train.count).toBe(SPLIT_COUNTS.train + 12);
    expect(dataset.test.count).toBe(SPLIT_COUNTS.test);
    expect(dataset.train.pixels.subarray(0, 12 * PIXELS)).toEqual(mine.pixels);
    expect(dataset.train.labels.subarray(0, 12)).toEqual(mine.labels);
    expect(dataset.name).toBe(`MNIST + 12 digits of ${dir}`);
  });

  it('names the missing file of a half pair', async () => {
    const dir = tmp('pair-');
    writeFileSync(join(dir, PAIR_FILES.images), encodeIdxImages(split(1).pixels, 1));
    await expect(readPairFolder(dir)).rejects.toThrow(`${dir}: missing ${PAIR_FILES.labels} (or .gz); an exported collection holds both files`);
  });
});
