// Test fixture: a 1,200 × 800 "photo" of a six-digit number on unevenly lit paper (MNIST test digits), the
// image the busy-prediction benchmark and main's loop-delay test have the engine read.
import type { Split } from '../data/dataset.ts';
import { encodePng } from '../data/png.ts';
import { composeNumber } from './compose.ts';

export const PHOTO_WIDTH = 1200;
export const PHOTO_HEIGHT = 800;

/** The photo as PNG bytes, base64 (what model:read takes). */
export function photoPng(test: Split): string {
  const { image } = composeNumber(test, [7, 2, 1, 0, 4, 9], {
    size: 150,
    gap: 24,
    drift: 12,
    seed: 26,
    paper: { paper: [236, 232, 220], ink: [20, 30, 150], shading: 0.35, noise: 6 },
  });
  const data = new Uint8Array(PHOTO_WIDTH * PHOTO_HEIGHT * 4);
  const [left, top] = [Math.max(0, (PHOTO_WIDTH - image.width) >> 1), Math.max(0, (PHOTO_HEIGHT - image.height) >> 1)];
  for (let y = 0; y < PHOTO_HEIGHT; y++) {
    for (let x = 0; x < PHOTO_WIDTH; x++) {
      const o = (y * PHOTO_WIDTH + x) * 4;
      const [ix, iy] = [x - left, y - top];
      if (ix >= 0 && iy >= 0 && ix < image.width && iy < image.height) {
        // The composed image is RGB: three bytes a pixel, opaque.
        for (let c = 0; c < 3; c++) data[o + c] = image.data[(iy * image.width + ix) * 3 + c];
        data[o + 3] = 255;
      } else {
        // The light falls off across the page, as under a desk lamp.
        const light = 1 - 0.35 * (x / PHOTO_WIDTH);
        data.set([236 * light, 232 * light, 220 * light, 255], o);
      }
    }
  }
  return Buffer.from(encodePng({ width: PHOTO_WIDTH, height: PHOTO_HEIGHT, data })).toString('base64');
}
