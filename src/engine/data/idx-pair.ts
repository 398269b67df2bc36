// An IDX pair (images and labels) as the studio writes and reads it: my digits out and in, as bytes, as
// base64 for the contract, and as two files in a folder that `--data DIR` understands.
//
// A folder holding only a training pair (train-images-idx3-ubyte, train-labels-idx1-ubyte, plain or .gz)
// and no test pair is a collection of extra digits: `train --data DIR` and `finetune --data DIR` train on
// MNIST's training split plus the folder's digits and test on MNIST's test split (see loadDataset).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_SIZE, PIXELS } from '../../shared/mnist.ts';
import type { IdxPair } from '../../shared/digits.ts';
import { explainFsError, UserError } from '../errors.ts';
import { type FileOps, realFileOps, writeFileAtomic } from '../store/atomic.ts';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, MAX_IDX_BYTES, parseIdxImages, parseIdxLabels, readIdxFile } from './idx.ts';
import type { Split } from './dataset.ts';

/** The names a collection's pair is written under: MNIST's training pair, so that `--data DIR` finds it. */
export const PAIR_FILES = { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' } as const;

/** IDX3 images (magic 2051, N×28×28 unsigned bytes). */
export function encodeIdxImages(pixels: Uint8Array, count: number): Uint8Array {
  if (pixels.length !== count * PIXELS) throw new Error(`${count} images need ${count * PIXELS} bytes, got ${pixels.length}`);
  const out = new Uint8Array(16 + pixels.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, IDX_IMAGES_MAGIC);
  view.setUint32(4, count);
  view.setUint32(8, IMAGE_SIZE);
  view.setUint32(12, IMAGE_SIZE);
  out.set(pixels, 16);
  return out;
}

/** IDX1 labels (magic 2049, N unsigned bytes). */
export function encodeIdxLabels(labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + labels.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, IDX_LABELS_MAGIC);
  view.setUint32(4, labels.length);
  out.set(labels, 8);
  return out;
}

/** Parse and check a pair: 28×28 images, as many labels as images, labels 0–9. */
export function decodeIdxPair(images: Uint8Array, labels: Uint8Array, names = { images: 'the images file', labels: 'the labels file' }): Split {
  const parsed = parseIdxImages(images, names.images);
  const parsedLabels = parseIdxLabels(labels, names.labels);
  if (parsed.rows !== IMAGE_SIZE || parsed.cols !== IMAGE_SIZE) {
    throw new UserError(`${names.images}: images are ${parsed.rows}×${parsed.cols}; my digits are 28×28`);
  }
  if (parsedLabels.length !== parsed.count) {
    throw new UserError(`${names.labels} holds ${parsedLabels.length} labels but ${names.images} holds ${parsed.count} images; they must match`);
  }
  return { count: parsed.count, pixels: parsed.pixels, labels: parsedLabels };
}

/** A split as the contract's base64 pair. */
export function toIdxPair(split: Split): IdxPair {
  return {
    images: Buffer.from(encodeIdxImages(split.pixels, split.count)).toString('base64'),
    labels: Buffer.from(encodeIdxLabels(split.labels)).toString('base64'),
  };
}

/** The contract's base64 pair, checked. */
export function fromIdxPair(pair: IdxPair): Split {
  const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
  return decodeIdxPair(bytes(pair.images), bytes(pair.labels));
}

/** Write a split into `dir` as a training pair (each file atomically); the folder is made if missing. */
export async function writePairFolder(dir: string, split: Split, fs: FileOps = realFileOps): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
    await writeFileAtomic(join(dir, PAIR_FILES.images), encodeIdxImages(split.pixels, split.count), fs);
    await writeFileAtomic(join(dir, PAIR_FILES.labels), encodeIdxLabels(split.labels), fs);
  } catch (err) {
    throw explainFsError(err, dir);
  }
}

/** The path of `base` or `base.gz` in `dir`, or null. */
function found(dir: string, base: string): string | null {
  for (const candidate of [join(dir, base), join(dir, `${base}.gz`)]) if (existsSync(candidate)) return candidate;
  return null;
}

/** Whether `dir` holds a training pair. */
export function hasPair(dir: string): boolean {
  return found(dir, PAIR_FILES.images) !== null && found(dir, PAIR_FILES.labels) !== null;
}

/** Read the training pair of `dir`, checked; errors name the files. */
export async function readPairFolder(dir: string): Promise<Split> {
  if (!existsSync(dir)) throw new UserError(`${dir}: no such folder`);
  const images = found(dir, PAIR_FILES.images);
  const labels = found(dir, PAIR_FILES.labels);
  if (!images || !labels) {
    throw new UserError(`${dir}: missing ${images ? PAIR_FILES.labels : PAIR_FILES.images} (or .gz); an exported collection holds both files`);
  }
  return decodeIdxPair(await readIdxFile(images), await readIdxFile(labels), { images, labels });
}

/** The largest number of digits a pair can hold (the IDX reader's size limit). */
export const MAX_PAIR_DIGITS = Math.floor((MAX_IDX_BYTES - 16) / PIXELS);
