// PNG files in and out, through pngjs.
import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { DataError } from './idx.ts';
import type { RawImage } from './preprocess.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Decode PNG bytes into RGBA pixels; `name` names the file in errors. */
export function decodePng(bytes: Uint8Array, name = 'image'): RawImage {
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) throw new DataError(`${name}: not a PNG file`);
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, channels: 4, data: png.data };
  } catch (err) {
    throw new DataError(`${name}: corrupt PNG (${(err as Error).message})`);
  }
}

export async function readPng(path: string): Promise<RawImage> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code})`);
  }
  return decodePng(bytes, path);
}

/** Encode an RGBA image as PNG bytes. */
export function encodePng(image: { width: number; height: number; data: Uint8Array }): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data);
  return new Uint8Array(PNG.sync.write(png));
}
