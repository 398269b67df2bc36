// Reader for the IDX files MNIST ships in (http://yann.lecun.com/exdb/mnist/ describes the layout).
import { UserError } from '../errors.ts';
import { gunzipSync } from 'node:zlib';

export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;
const GZIP_MAGIC = 0x1f8b;

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count × rows × cols bytes, row-major, 0 = background. */
  pixels: Uint8Array;
}

/** Undo gzip when the bytes start with gzip's magic; a file may be stored either way. */
function maybeGunzip(bytes: Uint8Array, name: string): Uint8Array {
  if (bytes.length >= 2 && ((bytes[0] << 8) | bytes[1]) === GZIP_MAGIC) {
    try {
      return new Uint8Array(gunzipSync(bytes));
    } catch {
      throw new UserError(`${name}: corrupt gzip data`);
    }
  }
  return bytes;
}

function header(bytes: Uint8Array, name: string, magic: number, dims: number): number[] {
  const headerLength = 4 + 4 * dims;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = bytes.length >= 4 ? view.getUint32(0) : -1;
  if (found >= 0 && found !== magic) throw new UserError(`${name}: bad IDX magic number ${found}, expected ${magic}`);
  if (bytes.length < headerLength) throw new UserError(`${name}: file too short for an IDX header (${bytes.length} bytes)`);
  return Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i));
}

/** Parse an IDX3 image file (magic 2051), plain or gzipped. */
export function parseIdxImages(raw: Uint8Array, name = 'images'): IdxImages {
  const bytes = maybeGunzip(raw, name);
  const [count, rows, cols] = header(bytes, name, IDX_IMAGES_MAGIC, 3);
  if (rows === 0 || cols === 0) throw new UserError(`${name}: image size ${rows}×${cols} is empty`);
  const expected = 16 + count * rows * cols;
  if (bytes.length !== expected) {
    throw new UserError(`${name}: expected ${expected} bytes for ${count} images of ${rows}×${cols}, found ${bytes.length}`);
  }
  return { count, rows, cols, pixels: bytes.subarray(16) };
}

/** Parse an IDX1 label file (magic 2049), plain or gzipped; labels must be 0–9. */
export function parseIdxLabels(raw: Uint8Array, name = 'labels'): Uint8Array {
  const bytes = maybeGunzip(raw, name);
  const [count] = header(bytes, name, IDX_LABELS_MAGIC, 1);
  if (bytes.length !== 8 + count) {
    throw new UserError(`${name}: expected ${8 + count} bytes for ${count} labels, found ${bytes.length}`);
  }
  const labels = bytes.subarray(8);
  const bad = labels.findIndex((l) => l > 9);
  if (bad >= 0) throw new UserError(`${name}: label ${labels[bad]} at index ${bad} is not a digit 0–9`);
  return labels;
}
