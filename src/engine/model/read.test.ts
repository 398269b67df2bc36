// Segmentation on numbers composed from MNIST test digits, read with the bundled model: each expected
// split asserted (how many pieces, and each piece's box over its digit).
import { beforeAll, describe, expect, it } from 'vitest';
import { type tf } from '../runtime/backend.ts';
import { bundledAndTest } from '../testing/bundled.ts';
import { readNumber, readNumberImage } from './read.ts';
import { type Split } from '../data/dataset.ts';
import { composeNumber, type Composed, type ComposeOptions } from '../testing/compose.ts';
import { encodePng } from '../data/png.ts';
import { components, paperInk } from '../../shared/segment.ts';

/** How many separate marks the composed image holds. */
const marks = ({ image }: Composed) => components(paperInk(image)!, image.width, image.height).boxes.length;

let model: tf.LayersModel;
let reader: tf.LayersModel;
let test: Split;
beforeAll(async () => {
  ({ model, reader, test } = await bundledAndTest());
});

/** The test split's k-th sample of each digit written: "2026" → the first 2, the first 0, the second 2, the first 6. */
function samplesOf(digits: string): number[] {
  const seen = new Map<number, number>();
  return [...digits].map((d) => {
    const label = Number(d);
    const k = seen.get(label) ?? 0;
    seen.set(label, k + 1);
    let found = -1;
    for (let i = 0, n = 0; found < 0; i++) if (test.labels[i] === label && n++ === k) found = i;
    return found;
  });
}

/** Each read box lies over its composed digit: their centres are within the digit's own box. */
function expectBoxesOver(read: { box: [number, number, number, number] }[], composed: Composed): void {
  expect(read).toHaveLength(composed.boxes.length);
  read.forEach(({ box: [x, y, w, h] }, k) => {
    const [cx, cy, cw, ch] = composed.boxes[k];
    expect(x + w / 2).toBeGreaterThanOrEqual(cx);
    expect(x + w / 2).toBeLessThanOrEqual(cx + cw);
    expect(y + h / 2).toBeGreaterThanOrEqual(cy);
    expect(y + h / 2).toBeLessThanOrEqual(cy + ch);
  });
}

async function read(digits: string, options: ComposeOptions = {}) {
  const composed = composeNumber(test, samplesOf(digits), { size: 56, ...options });
  return { composed, reading: await readNumberImage(model, composed.image, 'the image', reader) };
}

describe('reading numbers composed from MNIST test digits', () => {
  it.each(['20', '2026', '31415', '902134'])('splits %s, written with gaps, into its digits', async (digits) => {
    const { composed, reading } = await read(digits);
    expect(reading.number).toBe(digits);
    expectBoxesOver(reading.digits, composed);
  });

  it('cuts a touching pair apart', async () => {
    const { composed, reading } = await read('2026', { touch: 2 });
    // The 0 and the 2 share ink: one component, cut by the model.
    expect(marks(composed)).toBe(3);
    expect(reading.number).toBe('2026');
    expectBoxesOver(reading.digits, composed);
  });

  it('keeps a 5 whose flag is apart as one digit', async () => {
    const { composed, reading } = await read('353', { broken: 1 });
    expect(marks(composed)).toBeGreaterThan(3);
    expect(reading.number).toBe('353');
    expectBoxesOver(reading.digits, composed);
  });

  it('drops specks', async () => {
    const { composed, reading } = await read('4096', { specks: 6, seed: 3 });
    expect(marks(composed)).toBeGreaterThan(4);
    expect(reading.number).toBe('4096');
    expectBoxesOver(reading.digits, composed);
  });

  it('reads a squeezed 18 as 18, not as one 8', async () => {
    const { composed, reading } = await read('18', { touch: 1 });
    expect(marks(composed)).toBe(1);
    expect(reading.number).toBe('18');
  });

  it('keeps a wide 0 one digit (a guard: cutting was always tempting there)', async () => {
    for (const k of [0, 1, 2]) {
      const digits = '0'.repeat(k + 1);
      const { reading } = await read(digits, { condense: 1.5 });
      expect(reading.number).toBe(digits);
    }
  });

  it.each(['353', '21'])('chooses the cuts of a touching %s by search where one cut at a time went wrong', async (digits) => {
    // One cut at a time read these as 953 and 2: the first cut the model liked was kept.
    const { composed, reading } = await read(digits, { touch: 1 });
    expect(reading.number).toBe(digits);
    expectBoxesOver(reading.digits, composed);
  });

  it('reads 7395 on grey paper under uneven light, with no box over the bands of light and shadow', async () => {
    const paper = { paper: [168, 168, 160] as [number, number, number], ink: [20, 30, 150] as [number, number, number], shading: 0.2, noise: 6 };
    const light = { bands: 0.45, vignette: 0.5, period: 0.6, angle: 0.5 };
    const { composed, reading } = await read('7395', { paper, light });
    expect(reading.number).toBe('7395');
    expectBoxesOver(reading.digits, composed);
  });

  it('reads coloured ink on shaded off-white paper, and light ink on dark paper', async () => {
    const paper = { paper: [236, 228, 205] as [number, number, number], ink: [20, 30, 150] as [number, number, number], shading: 0.4, noise: 8 };
    expect((await read('2026', { paper })).reading.number).toBe('2026');
    expect((await read('2026', { inverted: true })).reading.number).toBe('2026');
    expect((await read('2026', { slant: 0.12 })).reading.number).toBe('2026');
  });

  it('reads a PNG through model:read, boxes in its pixels', async () => {
    const { image, boxes } = composeNumber(test, samplesOf('73'), { size: 40 });
    const rgba = new Uint8Array(image.width * image.height * 4);
    for (let i = 0; i < image.width * image.height; i++) rgba.set([image.data[i * 3], image.data[i * 3 + 1], image.data[i * 3 + 2], 255], i * 4);
    const png = Buffer.from(encodePng({ width: image.width, height: image.height, data: rgba })).toString('base64');
    const reading = await readNumber(model, { png }, reader);
    expect(reading.number).toBe('73');
    expect(reading.digits[0].field).toHaveLength(784);
    expectBoxesOver(reading.digits, { image, boxes, number: '73' });
  });

  it('refuses about 100,000 specks in one line naming the file (it overflowed the stack, unnamed)', async () => {
    const [width, height] = [640, 640];
    const data = new Uint8Array(width * height).fill(255);
    for (let y = 0; y < height; y += 2) for (let x = 0; x < width; x += 2) data[y * width + x] = 0;
    await expect(readNumberImage(model, { width, height, channels: 1, data }, 'specks.png', reader)).rejects.toThrow(
      /^specks\.png: more than 160 separate marks: this does not look like a number$/,
    );
  });

  it('refuses a flat image, and reads an empty drawing as no digits', async () => {
    const flat = { width: 50, height: 20, channels: 1 as const, data: new Uint8Array(1000).fill(128) };
    await expect(readNumberImage(model, flat, 'flat.png')).rejects.toThrow('flat.png: the image is one flat colour');
    expect(await readNumber(model, { strokes: [], canvas: { width: 300, height: 100 } })).toEqual({ number: '', digits: [] });
  });
});
