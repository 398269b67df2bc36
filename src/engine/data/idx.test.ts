import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdxImages, parseIdxLabels, readIdxPrefix } from './idx.ts';
import { UserError } from '../errors.ts';
import { indicesOf, loadDataset, page } from './dataset.ts';

function idx(magic: number, dims: number[], body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(body, 4 + 4 * dims.length);
  return out;
}

const images = (n: number, size = 28) =>
  idx(
    IDX_IMAGES_MAGIC,
    [n, size, size],
    Uint8Array.from({ length: n * size * size }, (_, i) => i % 256),
  );
const labels = (values: number[]) => idx(IDX_LABELS_MAGIC, [values.length], Uint8Array.from(values));

describe('IDX reader', () => {
  it('reads images and labels, plain and gzipped', () => {
    const plain = parseIdxImages(images(3));
    expect(plain).toMatchObject({ count: 3, rows: 28, cols: 28 });
    expect(plain.pixels[785]).toBe(785 % 256);
    expect(parseIdxImages(gzipSync(images(3))).pixels).toEqual(plain.pixels);
    expect(Array.from(parseIdxLabels(gzipSync(labels([7, 2, 1]))))).toEqual([7, 2, 1]);
  });

  it('rejects a bad magic number, naming what it found and what it wanted', () => {
    expect(() => parseIdxImages(labels([1, 2]), 'x.idx')).toThrow(/x\.idx: bad IDX magic number 2049, expected 2051/);
    expect(() => parseIdxLabels(images(1))).toThrow(UserError);
  });

  it('rejects truncated and over-long files', () => {
    const good = images(2);
    expect(() => parseIdxImages(good.subarray(0, good.length - 1))).toThrow(/expected 1584 bytes for 2 images of 28×28, found 1583/);
    expect(() => parseIdxImages(good.subarray(0, 10))).toThrow(/too short/);
    expect(() => parseIdxLabels(new Uint8Array([...labels([1, 2]), 0]))).toThrow(/expected 10 bytes/);
  });

  it('rejects labels outside 0–9, corrupt gzip and empty images', () => {
    expect(() => parseIdxLabels(labels([1, 12]))).toThrow(/label 12 at index 1/);
    expect(() => parseIdxImages(new Uint8Array([0x1f, 0x8b, 1, 2, 3]))).toThrow(/corrupt gzip/);
    expect(() => parseIdxImages(idx(IDX_IMAGES_MAGIC, [0, 0, 28], new Uint8Array()))).toThrow(/empty/);
  });
});

describe('dataset folders', () => {
  function folder(files: Record<string, Uint8Array>): string {
    const dir = mkdtempSync(join(tmpdir(), 'ds-'));
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    return dir;
  }

  it('loads a folder of four files (some gzipped), pages and filters by label', async () => {
    const dir = folder({
      'train-images-idx3-ubyte.gz': gzipSync(images(4)),
      'train-labels-idx1-ubyte': labels([3, 1, 3, 0]),
      't10k-images-idx3-ubyte': images(2),
      't10k-labels-idx1-ubyte.gz': gzipSync(labels([5, 6])),
    });
    const ds = await loadDataset(dir);
    expect(ds.train.count).toBe(4);
    const threes = indicesOf(ds.train, 3);
    expect(Array.from(threes)).toEqual([0, 2]);
    const p = page(ds.train, threes, 1, 10);
    expect(p).toMatchObject({ total: 2, offset: 1, indices: [2], labels: [3] });
    expect(p.pixels).toEqual(ds.train.pixels.subarray(2 * 784, 3 * 784));
  });

  it('names the missing file and mismatched counts', async () => {
    await expect(loadDataset(folder({ 'train-images-idx3-ubyte': images(1) }))).rejects.toThrow(/missing train-labels-idx1-ubyte/);
    const dir = folder({
      'train-images-idx3-ubyte': images(2),
      'train-labels-idx1-ubyte': labels([1]),
      't10k-images-idx3-ubyte': images(1),
      't10k-labels-idx1-ubyte': labels([1]),
    });
    await expect(loadDataset(dir)).rejects.toThrow(/1 labels for 2 images/);
    await expect(loadDataset('/no/such/dir')).rejects.toThrow(/no such folder/);
  });

  it('reads the bundled MNIST: 60,000 + 10,000 digits', async () => {
    const ds = await loadDataset();
    expect([ds.train.count, ds.test.count]).toEqual([60000, 10000]);
    expect(Array.from(ds.train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
  });
});

describe('readIdxPrefix', () => {
  it('reads the first bytes of a plain or a gzipped file alike, and says when the file is shorter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idx-prefix-'));
    const content = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 7) % 251);
    writeFileSync(join(dir, 'plain'), content);
    writeFileSync(join(dir, 'packed.gz'), gzipSync(content));
    expect(await readIdxPrefix(join(dir, 'plain'), 3152)).toEqual(content.subarray(0, 3152));
    expect(await readIdxPrefix(join(dir, 'packed.gz'), 3152)).toEqual(content.subarray(0, 3152));
    await expect(readIdxPrefix(join(dir, 'plain'), 60_000)).rejects.toThrow(/plain: ends after 50000 bytes, 60000 needed$/);
  });
});
