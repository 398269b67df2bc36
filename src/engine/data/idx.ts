// Reader for the IDX files MNIST ships in (http://yann.lecun.com/exdb/mnist/ describes the layout).
// A gzipped file is inflated only as far as its header says it holds, so a small bomb cannot expand.
import { open as openFile, stat } from 'node:fs/promises';
import { constants, gunzipSync } from 'node:zlib';
import { explainFsError, errnoOf, readUserFile, UserError } from '../errors.ts';
import { NUM_CLASSES } from '../../shared/mnist.ts';

export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;
const GZIP_MAGIC = 0x1f8b;
/** The largest IDX file read, unpacked: about 340,000 images of 28×28 (MNIST's training set is 47 MB). */
export const MAX_IDX_BYTES = 256 * 1024 ** 2;
// Deflate expands a byte at most about 1,032 times, so this much of a gzip stream unpacks to at most ~4 MB:
// enough for any header, never a bomb.
const HEADER_PROBE_BYTES = 4096;

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count × rows × cols bytes, row-major, 0 = background. */
  pixels: Uint8Array;
}

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 ** 2).toLocaleString('en-US')} MB`;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && ((bytes[0] << 8) | bytes[1]) === GZIP_MAGIC;
}

/** The first bytes of a gzip stream, unpacking no more than a small prefix of it. */
function gunzipPrefix(bytes: Uint8Array, name: string): Uint8Array {
  try {
    // A sync flush instead of a finish: a cut-off stream gives what it has instead of an error.
    return new Uint8Array(gunzipSync(bytes.subarray(0, HEADER_PROBE_BYTES), { finishFlush: constants.Z_SYNC_FLUSH }));
  } catch {
    throw new UserError(`${name}: corrupt gzip data`);
  }
}

/** Unpack a gzip stream that must hold exactly `expected` bytes, stopping as soon as it holds more. */
function gunzipExactly(bytes: Uint8Array, expected: number, name: string): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(bytes, { maxOutputLength: Math.max(1, expected) }));
  } catch (err) {
    if (errnoOf(err) === 'ERR_BUFFER_TOO_LARGE')
      throw new UserError(`${name}: holds more than the ${expected.toLocaleString('en-US')} bytes its header announces`);
    throw new UserError(`${name}: corrupt gzip data`);
  }
}

/** The header's dimensions, checked against the magic number and the size limit. */
function header(bytes: Uint8Array, name: string, magic: number, dims: number): number[] {
  const headerLength = 4 + 4 * dims;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = bytes.length >= 4 ? view.getUint32(0) : -1;
  if (found >= 0 && found !== magic) throw new UserError(`${name}: bad IDX magic number ${found}, expected ${magic}`);
  if (bytes.length < headerLength) throw new UserError(`${name}: file too short for an IDX header (${bytes.length} bytes)`);
  const sizes = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i));
  const total = headerLength + sizes.reduce((a, b) => a * b, 1);
  if (total > MAX_IDX_BYTES) {
    throw new UserError(
      `${name}: its header announces ${megabytes(total)} of data (${sizes.join('×')}); the studio reads at most ${megabytes(MAX_IDX_BYTES)}`,
    );
  }
  return sizes;
}

/** The file's bytes, unpacked if gzipped, and its header's dimensions: never more than the header announces. */
function open(raw: Uint8Array, name: string, magic: number, dims: number): { bytes: Uint8Array; sizes: number[] } {
  if (!isGzip(raw)) return { bytes: raw, sizes: header(raw, name, magic, dims) };
  const sizes = header(gunzipPrefix(raw, name), name, magic, dims);
  return { bytes: gunzipExactly(raw, 4 + 4 * dims + sizes.reduce((a, b) => a * b, 1), name), sizes };
}

/** Read an IDX file (plain or gzipped) from disk, refusing one larger than any the studio reads. */
export async function readIdxFile(path: string): Promise<Uint8Array> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    throw explainFsError(err, path);
  }
  if (size > MAX_IDX_BYTES) throw new UserError(`${path}: ${megabytes(size)}; the studio reads IDX files of at most ${megabytes(MAX_IDX_BYTES)}`);
  return readUserFile(path, MAX_IDX_BYTES);
}

/**
 * The first `length` bytes of an IDX file's content (at most what a few KB of gzip unpack to), plain or
 * gzipped, reading no more of the file than that: a peek at its first records without reading it whole.
 */
export async function readIdxPrefix(path: string, length: number): Promise<Uint8Array> {
  const file = await openFile(path).catch((err: unknown) => {
    throw explainFsError(err, path);
  });
  try {
    const head = new Uint8Array(Math.max(length, HEADER_PROBE_BYTES));
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const bytes = isGzip(head.subarray(0, bytesRead)) ? gunzipPrefix(head.subarray(0, bytesRead), path) : head.subarray(0, bytesRead);
    if (bytes.length < length) throw new UserError(`${path}: ends after ${bytes.length} bytes, ${length} needed`);
    return bytes.subarray(0, length);
  } finally {
    await file.close();
  }
}

/** Parse an IDX3 image file (magic 2051), plain or gzipped. */
export function parseIdxImages(raw: Uint8Array, name = 'images'): IdxImages {
  const {
    bytes,
    sizes: [count, rows, cols],
  } = open(raw, name, IDX_IMAGES_MAGIC, 3);
  if (rows === 0 || cols === 0) throw new UserError(`${name}: image size ${rows}×${cols} is empty`);
  const expected = 16 + count * rows * cols;
  if (bytes.length !== expected) {
    throw new UserError(`${name}: expected ${expected} bytes for ${count} images of ${rows}×${cols}, found ${bytes.length}`);
  }
  return { count, rows, cols, pixels: bytes.subarray(16) };
}

/** Parse an IDX1 label file (magic 2049), plain or gzipped; labels must be 0–9. */
export function parseIdxLabels(raw: Uint8Array, name = 'labels'): Uint8Array {
  const {
    bytes,
    sizes: [count],
  } = open(raw, name, IDX_LABELS_MAGIC, 1);
  if (bytes.length !== 8 + count) {
    throw new UserError(`${name}: expected ${8 + count} bytes for ${count} labels, found ${bytes.length}`);
  }
  const labels = bytes.subarray(8);
  const bad = labels.findIndex((l) => l >= NUM_CLASSES);
  if (bad >= 0) throw new UserError(`${name}: label ${labels[bad]} at index ${bad} is not a digit 0–9`);
  return labels;
}
