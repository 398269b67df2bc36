// Test and benchmark helper: a folder of labelled images (0/ … 9/) written from a split's digits, as a person's
// scans would be: larger than 28×28, dark ink on white paper or the other way round, PNG or JPEG.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { IMAGE_SIZE, PIXELS } from '../../shared/mnist.ts';
import type { Split } from '../data/dataset.ts';
import { encodePng } from '../data/png.ts';

export interface FolderOptions {
  /** Each image's side: the digit scaled up by nearest neighbour (28 keeps it as it is). */
  side?: number;
  /** Dark ink on white (a scan) rather than light ink on black (MNIST). */
  paper?: boolean;
  /** Every how many images is a JPEG instead of a PNG (0: none). */
  jpegEvery?: number;
}

/** Sample `k` of `split` as an RGBA image of `side`×`side`. */
export function sampleImage(split: Split, k: number, { side = IMAGE_SIZE, paper = false }: FolderOptions = {}) {
  const data = new Uint8Array(side * side * 4);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const v = split.pixels[k * PIXELS + Math.floor((y * IMAGE_SIZE) / side) * IMAGE_SIZE + Math.floor((x * IMAGE_SIZE) / side)];
      const shade = paper ? 255 - v : v;
      data.set([shade, shade, shade, 255], (y * side + x) * 4);
    }
  return { width: side, height: side, data };
}

/** Write `split`'s digits into `dir`/<label>/<k>.png (or .jpg); returns the files written, relative to dir. */
export function writeImageFolder(dir: string, split: Split, options: FolderOptions = {}): string[] {
  const files: string[] = [];
  for (let k = 0; k < split.count; k++) {
    const label = split.labels[k];
    mkdirSync(join(dir, String(label)), { recursive: true });
    const image = sampleImage(split, k, options);
    const asJpeg = options.jpegEvery && k % options.jpegEvery === options.jpegEvery - 1;
    const file = `${label}/${String(k).padStart(5, '0')}.${asJpeg ? 'jpg' : 'png'}`;
    writeFileSync(join(dir, file), asJpeg ? jpeg.encode(image, 95).data : encodePng(image));
    files.push(file);
  }
  return files;
}
