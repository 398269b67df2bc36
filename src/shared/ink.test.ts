import { describe, expect, it } from 'vitest';
import { inkSummary, readDrawing } from './ink.ts';
import { preprocessDrawing, type RawImage } from './preprocess.ts';

/** A dark bar on a light canvas of `width` × `height`, RGBA. */
function bar(width: number, height: number, x0: number, x1: number, y0: number, y1: number): RawImage {
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3);
  return { width, height, channels: 4, data };
}

describe('readDrawing', () => {
  it('gives the field of preprocessDrawing and the ink summary of inkSummary from one pass', () => {
    for (const image of [bar(300, 200, 140, 152, 30, 170), bar(120, 120, 50, 53, 50, 53)]) {
      const read = readDrawing(image)!;
      expect(Array.from(read.field)).toEqual(Array.from(preprocessDrawing(image)!));
      expect(read.ink).toEqual(inkSummary(image));
    }
  });

  it('is null for a canvas without ink', () => {
    expect(readDrawing(bar(50, 50, 0, 0, 0, 0))).toBeNull();
  });
});
