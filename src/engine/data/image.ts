// Image files in: PNG (png.ts, with its limits) or JPEG (jpeg-js, within the same limits), told apart by their
// first bytes, never by their names.
import jpeg from 'jpeg-js';
import { UserError } from '../errors.ts';
import type { RawImage } from '../../shared/preprocess.ts';
import { decodePng, MAX_IMAGE_SIDE } from './png.ts';

const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];
/** jpeg-js counts in megapixels: the largest PNG accepted, 4096×4096, is 16.8. */
const MAX_JPEG_MEGAPIXELS = (MAX_IMAGE_SIDE * MAX_IMAGE_SIDE) / 1e6;
/** Enough for a 4096×4096 RGBA image and jpeg-js's working buffers. */
const MAX_JPEG_MEMORY_MB = 256;

const startsWith = (bytes: Uint8Array, signature: number[]) => bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);

/** Decode JPEG bytes into RGBA pixels within the PNG limits; `name` names the file in errors. */
export function decodeJpeg(bytes: Uint8Array, name = 'image'): RawImage {
  let image: { width: number; height: number; data: Uint8Array };
  try {
    image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: MAX_JPEG_MEGAPIXELS,
      maxMemoryUsageInMB: MAX_JPEG_MEMORY_MB,
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/maxResolutionInMP|maxMemoryUsageInMB/.test(message))
      throw new UserError(`${name}: the image is larger than ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE}, the largest accepted`);
    throw new UserError(`${name}: corrupt JPEG (${message})`);
  }
  if (image.width === 0 || image.height === 0) throw new UserError(`${name}: the image is ${image.width}×${image.height}; it has no pixels`);
  if (image.width > MAX_IMAGE_SIDE || image.height > MAX_IMAGE_SIDE)
    throw new UserError(`${name} is ${image.width}×${image.height}; the largest image accepted is ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE}`);
  return { width: image.width, height: image.height, channels: 4, data: image.data };
}

/** Decode a PNG or a JPEG by its signature; anything else is a UserError naming `name`. */
export function decodeImage(bytes: Uint8Array, name = 'image'): RawImage {
  if (startsWith(bytes, PNG_SIGNATURE)) return decodePng(bytes, name);
  if (startsWith(bytes, JPEG_SIGNATURE)) return decodeJpeg(bytes, name);
  throw new UserError(`${name}: not a PNG or JPEG image`);
}
