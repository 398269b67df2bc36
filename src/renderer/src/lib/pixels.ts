// Drawing 28×28 digits (bytes or 0–1 floats) onto canvases, and decoding base64 pixel pages.
import { IMAGE_SIZE, PIXELS } from '../../../shared/mnist';
import type { RawImage } from '../../../shared/preprocess';

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** An ImageData of one 28×28 digit (values up to `scale`), light ink on a dark tile as MNIST stores it. */
export function digitImage(values: ArrayLike<number>, offset = 0, scale = 255): ImageData {
  const image = new ImageData(IMAGE_SIZE, IMAGE_SIZE);
  for (let i = 0; i < PIXELS; i++) {
    const v = Math.round(Math.min(1, values[offset + i] / scale) * 255);
    image.data.set([v, v, v, 255], i * 4);
  }
  return image;
}

/** A Svelte attachment that paints a digit into its canvas whenever `values` changes. */
export function paintDigit(values: ArrayLike<number> | null, scale = 255) {
  return (canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d')!;
    if (values) context.putImageData(digitImage(values, 0, scale), 0, 0);
    else context.clearRect(0, 0, IMAGE_SIZE, IMAGE_SIZE);
  };
}

/** Longest side an opened image is drawn at before preprocessing: enough for the 20 px digit box. */
const OPENED_IMAGE_MAX = 512;

/** Decode a PNG or JPEG the person opened into RGBA pixels, as the drawing pad would give them. */
export async function readImageFile(file: File): Promise<RawImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`${file.name} could not be read as an image: open a PNG or JPEG`);
  }
  const scale = Math.min(1, OPENED_IMAGE_MAX / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  return { width: canvas.width, height: canvas.height, channels: 4, data };
}
