import { describe, expect, it } from 'vitest';
import { components, paperInk, segmentInk, segmentStrokes, strokeInk, type Classify } from './segment.ts';
import type { RawImage } from './preprocess.ts';
import type { Stroke } from './digits.ts';

/** A judge that is equally sure of everything: cuts are then made only where a piece is surely two wide. */
const indifferent: Classify = async (fields) =>
  fields.map(() => [0.9, 0.1 / 9, 0.1 / 9, 0.1 / 9, 0.1 / 9, 0.1 / 9, 0.1 / 9, 0.1 / 9, 0.1 / 9, 0.1 / 9]);

/** A w × h ink map with filled rectangles [x, y, w, h]. */
function rects(w: number, h: number, boxes: number[][]): Float32Array {
  const ink = new Float32Array(w * h);
  for (const [x0, y0, bw, bh] of boxes) for (let y = y0; y < y0 + bh; y++) ink.fill(1, y * w + x0, y * w + x0 + bw);
  return ink;
}

describe('segmentInk', () => {
  it('keeps separate marks apart, left to right, and drops specks', async () => {
    const ink = rects(200, 60, [
      [110, 10, 6, 40], // a "1"
      [20, 10, 6, 40],
      [60, 10, 6, 40],
      [150, 55, 2, 2], // a speck
    ]);
    const pieces = await segmentInk(ink, 200, 60, indifferent);
    expect(pieces.map((p) => p.box.left)).toEqual([20, 60, 110]);
  });

  it('merges strokes that overlap horizontally (a 5 whose flag is apart)', async () => {
    const ink = rects(100, 60, [
      [20, 5, 20, 4], // the flag
      [20, 12, 4, 40], // the body, not touching it
    ]);
    const pieces = await segmentInk(ink, 100, 60, indifferent);
    expect(pieces).toHaveLength(1);
    expect(pieces[0].box).toEqual({ left: 20, top: 5, width: 20, height: 47 });
  });

  it('cuts a piece twice as wide as it is high', async () => {
    const ink = rects(140, 60, [
      [10, 10, 40, 40],
      [50, 28, 4, 4], // where two digits touch
      [54, 10, 40, 40],
    ]);
    const pieces = await segmentInk(ink, 140, 60, indifferent);
    expect(pieces).toHaveLength(2);
    expect(pieces[0].box.left).toBe(10);
    expect(pieces[1].box.left + pieces[1].box.width).toBe(94);
  });

  it('refuses more marks than a number holds', async () => {
    const boxes = Array.from({ length: 50 }, (_, k) => [k * 10, 5, 4, 20]);
    await expect(segmentInk(rects(500, 30, boxes), 500, 30, indifferent)).rejects.toThrow(/more than 40/);
  });
});

describe('paperInk', () => {
  it('finds dark ink on shaded paper and light ink on dark paper alike', () => {
    const w = 120;
    const h = 60;
    const image = (inverted: boolean): RawImage => {
      const data = new Uint8Array(w * h);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          // Paper shaded from 240 to 140 across; a dark bar of ink at x 50–55.
          let v = 240 - (100 * x) / w;
          if (x >= 50 && x < 56 && y >= 10 && y < 50) v = 30;
          data[y * w + x] = inverted ? 255 - v : v;
        }
      }
      return { width: w, height: h, channels: 1, data };
    };
    for (const inverted of [false, true]) {
      const ink = paperInk(image(inverted))!;
      const marks = components(ink, w, h).boxes;
      expect(marks).toEqual([{ left: 50, top: 10, width: 6, height: 40 }]);
    }
  });

  it('calls a flat image no ink at all', () => {
    expect(paperInk({ width: 10, height: 10, channels: 1, data: new Uint8Array(100).fill(200) })).toBeNull();
  });
});

describe('segmentStrokes', () => {
  it('reads strokes as round pens on a canvas of their size', async () => {
    const strokes: Stroke[] = [
      {
        width: 8,
        points: [
          [20, 10],
          [20, 70],
        ],
      },
      {
        width: 8,
        points: [
          [80, 10],
          [80, 70],
        ],
      },
    ];
    expect(strokeInk(strokes, { width: 120, height: 80 })[40 * 120 + 20]).toBe(1);
    const pieces = await segmentStrokes(strokes, { width: 120, height: 80 }, indifferent);
    expect(pieces).toHaveLength(2);
  });
});

describe('bounded work', () => {
  /** A judge that counts the fields it is asked about. */
  const counting = () => {
    const seen = { fields: 0, calls: 0 };
    const classify: Classify = async (fields) => {
      seen.fields += fields.length;
      seen.calls++;
      return indifferent(fields);
    };
    return { seen, classify };
  };

  it('reads one 200-px-wide stroke across a 4096×4096 canvas (106 bytes of JSON) within a few hundred fields', async () => {
    const { seen, classify } = counting();
    const strokes: Stroke[] = [
      {
        width: 200,
        points: [
          [0, 0],
          [4096, 4096],
        ],
      },
    ];
    const pieces = await segmentStrokes(strokes, { width: 4096, height: 4096 }, classify);
    expect(pieces.length).toBeGreaterThan(0);
    expect(seen.fields).toBeLessThanOrEqual(200);
    // Boxes come back in the canvas's pixels.
    expect(Math.max(...pieces.map((p) => p.box.left + p.box.width))).toBeGreaterThan(3000);
  });

  it('reads a black block filling most of a large image within a few hundred fields', async () => {
    const { seen, classify } = counting();
    const ink = rects(1200, 800, [[100, 100, 1000, 600]]);
    await segmentInk(ink, 1200, 800, classify);
    expect(seen.fields).toBeLessThanOrEqual(200);
  });

  it('refuses 100,000 specks in one line, before any work that grows with their count', async () => {
    const w = 1000;
    const ink = new Float32Array(w * 400);
    for (let y = 0; y < 400; y += 2) for (let x = 0; x < w; x += 2) ink[y * w + x] = 1;
    const { seen, classify } = counting();
    await expect(segmentInk(ink, w, 400, classify)).rejects.toThrow(/more than 160 separate marks/);
    expect(seen.calls).toBe(0);
  });
});
