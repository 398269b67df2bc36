// PNG files in and out, through pngjs. The header is read first, so that a small file announcing a huge
// image is refused before anything is unpacked.
import { PNG } from 'pngjs';
import { inflateSync } from 'node:zlib';
import { open } from 'node:fs/promises';
import { checkUserFile, explainFsError, readUserFile, UserError } from '../errors.ts';
import type { RawImage } from '../../shared/preprocess.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** The largest side accepted: a drawing is scaled to 28×28 anyway, and 4096×4096 RGBA is 64 MB. */
export const MAX_IMAGE_SIDE = 4096;
/** Channels per pixel of each PNG colour type (gray, RGB, palette, gray+alpha, RGBA). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

interface Header {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlaced: boolean;
}

/** The IHDR chunk, which the PNG format puts first, right after the signature. */
function readHeader(bytes: Uint8Array, name: string): Header {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 33 || new TextDecoder().decode(bytes.subarray(12, 16)) !== 'IHDR') throw new UserError(`${name}: corrupt PNG (no IHDR header)`);
  return { width: view.getUint32(16), height: view.getUint32(20), depth: bytes[24], colorType: bytes[25], interlaced: bytes[28] === 1 };
}

/** The image data (IDAT chunks) joined, as pngjs would join them. */
function imageData(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = view.getUint32(at);
    if (new TextDecoder().decode(bytes.subarray(at + 4, at + 8)) === 'IDAT') parts.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return Buffer.concat(parts);
}

/**
 * Refuse what would unpack to more than the header's image: pngjs caps the unpacked data of an ordinary
 * PNG by its header, but not that of an interlaced one, so that is unpacked here first, within the bound.
 */
function checkInterlacedSize(bytes: Uint8Array, header: Header, name: string): void {
  const bitsPerPixel = (CHANNELS[header.colorType] ?? 4) * header.depth;
  // Seven passes, each row with a filter byte and at most one byte of padding.
  const bound = Math.ceil((header.width * header.height * bitsPerPixel) / 8) + 7 * 2 * header.height;
  try {
    inflateSync(imageData(bytes), { maxOutputLength: bound });
  } catch {
    throw new UserError(`${name}: corrupt PNG (its image data does not match its ${header.width}×${header.height} header)`);
  }
}

/** The signature and header of a PNG (its first 33 bytes), checked against the studio's limits. */
function checkedHeader(bytes: Uint8Array, name: string): Header {
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) throw new UserError(`${name}: not a PNG file`);
  const header = readHeader(bytes, name);
  if (header.width === 0 || header.height === 0) throw new UserError(`${name}: the image is ${header.width}×${header.height}; it has no pixels`);
  if (header.width > MAX_IMAGE_SIDE || header.height > MAX_IMAGE_SIDE) {
    throw new UserError(`${name} is ${header.width}×${header.height}; the largest image accepted is ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE}`);
  }
  return header;
}

/** What pngjs says of a damaged file, in words: a truncated one says "read requests waitng on finished stream". */
function damage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/read requests waitng|unexpected end|finished stream/i.test(message)) return 'the file ends early; it may have been cut short';
  return message;
}

/** Decode PNG bytes into RGBA pixels; `name` names the file in errors. */
export function decodePng(bytes: Uint8Array, name = 'image'): RawImage {
  const header = checkedHeader(bytes, name);
  if (header.interlaced) checkInterlacedSize(bytes, header, name);
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, channels: 4, data: png.data };
  } catch (err) {
    throw new UserError(`${name}: corrupt PNG (${damage(err)})`);
  }
}

/** Read and decode a PNG file; errors name it. */
export async function readPng(path: string): Promise<RawImage> {
  return decodePng(await readUserFile(path), path);
}

/**
 * Check that `path` is a PNG the studio takes, from its first 33 bytes, without decoding it: a command checks
 * every file named before it loads a model, then decodes them one at a time.
 */
export async function checkPngFile(path: string): Promise<void> {
  let handle;
  try {
    // Checked before it is opened (opening a FIFO would wait for ever), with readPng's own limits.
    await checkUserFile(path);
    handle = await open(path, 'r');
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(33), 0, 33, 0);
    checkedHeader(new Uint8Array(buffer.buffer, buffer.byteOffset, bytesRead), path);
  } catch (err) {
    throw explainFsError(err, path);
  } finally {
    await handle?.close();
  }
}

/** Encode an RGBA image as PNG bytes. */
export function encodePng(image: { width: number; height: number; data: Uint8Array }): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data);
  return new Uint8Array(PNG.sync.write(png));
}
