// PNG files in and out, through pngjs.
import { PNG } from 'pngjs';
import { readUserFile, UserError } from '../errors.ts';
import type { RawImage } from '../../shared/preprocess.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Decode PNG bytes into RGBA pixels; `name` names the file in errors. */
export function decodePng(bytes: Uint8Array, name = 'image'): RawImage {
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) throw new UserError(`${name}: not a PNG file`);
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, channels: 4, data: png.data };
  } catch (err) {
    throw new UserError(`${name}: corrupt PNG (${(err as Error).message})`);
  }
}

export async function readPng(path: string): Promise<RawImage> {
  return decodePng(await readUserFile(path), path);
}

/** Encode an RGBA image as PNG bytes. */
export function encodePng(image: { width: number; height: number; data: Uint8Array }): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data);
  return new Uint8Array(PNG.sync.write(png));
}
