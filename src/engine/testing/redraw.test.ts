import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../runtime/backend.ts';
import { bundledModelDir } from '../model/bundled.ts';
import { loadDataset } from '../data/dataset.ts';
import { readModel } from '../model/model-io.ts';
import { naiveResize, preprocessDrawing, type RawImage } from '../../shared/preprocess.ts';
import { type Redrawn, redraw } from './redraw.ts';

/** A W×H canvas with a filled rectangle of ink, drawn in the given style. */
function canvas(w: number, h: number, rect: [number, number, number, number], style: 'dark' | 'light' | 'alpha' = 'dark'): RawImage {
  const data = new Uint8Array(w * h * 4);
  const [rx, ry, rw, rh] = rect;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const ink = x >= rx && x < rx + rw && y >= ry && y < ry + rh ? 1 : 0;
      const v = style === 'dark' ? 255 * (1 - ink) : 255 * ink;
      data.set(style === 'alpha' ? [0, 0, 0, 255 * ink] : [v, v, v, 255], (y * w + x) * 4);
    }
  }
  return { width: w, height: h, channels: 4, data };
}

function stats(field: Float32Array) {
  let mass = 0,
    mx = 0,
    my = 0,
    top = 28,
    bottom = -1,
    left = 28,
    right = -1;
  field.forEach((v, i) => {
    const x = i % 28,
      y = Math.floor(i / 28);
    mass += v;
    mx += v * x;
    my += v * y;
    if (v > 0.1) [top, bottom, left, right] = [Math.min(top, y), Math.max(bottom, y), Math.min(left, x), Math.max(right, x)];
  });
  return { cx: mx / mass, cy: my / mass, height: bottom - top + 1, width: right - left + 1, peak: Math.max(...field) };
}

describe('MNIST-style preprocessing of drawings', () => {
  it('fits a vertical stroke drawn anywhere to 20 px tall, centred by mass, at full intensity', () => {
    for (const rect of [
      [10, 10, 12, 150],
      [300, 200, 30, 90],
      [0, 0, 6, 40],
    ] as const) {
      const s = stats(preprocessDrawing(canvas(400, 300, [...rect]))!);
      expect(s.height).toBeGreaterThanOrEqual(20);
      expect(s.height).toBeLessThanOrEqual(21);
      expect(s.width).toBeLessThanOrEqual(Math.round((rect[2] * 20) / rect[3]) + 1);
      expect(s.width).toBeGreaterThanOrEqual(2);
      expect(Math.abs(s.cx - 13.5)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(s.cy - 13.5)).toBeLessThanOrEqual(0.5);
      expect(s.peak).toBeCloseTo(1, 5);
    }
  });

  it('keeps the aspect ratio: a wide bar stays wide', () => {
    // A bar as thick as MNIST's strokes (a wider one is a fat pen, thinned to MNIST's width).
    const s = stats(preprocessDrawing(canvas(300, 300, [50, 100, 200, 30]))!);
    expect(s.width).toBeGreaterThanOrEqual(20);
    expect(s.width).toBeLessThanOrEqual(21);
    // 30/200 of 20 px is 3 px; a sub-pixel shift may spread it over a fourth row.
    expect(s.height).toBeGreaterThanOrEqual(3);
    expect(s.height).toBeLessThanOrEqual(4);
  });

  it('gives the same field for dark ink, light ink and ink on a transparent canvas', () => {
    const rect: [number, number, number, number] = [40, 30, 25, 120];
    const dark = preprocessDrawing(canvas(200, 200, rect, 'dark'))!;
    expect(preprocessDrawing(canvas(200, 200, rect, 'light'))).toEqual(dark);
    expect(preprocessDrawing(canvas(200, 200, rect, 'alpha'))).toEqual(dark);
    const rgba = canvas(200, 200, rect).data;
    const gray: RawImage = { width: 200, height: 200, channels: 1, data: Uint8Array.from({ length: 200 * 200 }, (_, i) => rgba[i * 4]) };
    expect(preprocessDrawing(gray)).toEqual(dark);
  });

  it('says there is no ink rather than guessing', () => {
    expect(preprocessDrawing(canvas(100, 100, [0, 0, 0, 0], 'dark'))).toBeNull();
    expect(preprocessDrawing(canvas(100, 100, [0, 0, 0, 0], 'alpha'))).toBeNull();
    expect(preprocessDrawing({ width: 10, height: 10, channels: 1, data: new Uint8Array(100).fill(250) })).toBeNull();
  });
});

describe('the bundled model on redrawn MNIST test digits', () => {
  const COUNT = 2000;
  let model: tf.LayersModel;
  let drawn: Redrawn[];
  beforeAll(async () => {
    await initBackend({ want: 'wasm' });
    const test = (await loadDataset()).test;
    model = await readModel(bundledModelDir());
    // Every fifth test digit (a stride of 7919 mod 10,000), each on its own random canvas.
    drawn = Array.from({ length: COUNT }, (_, k) => redraw(test, (k * 7919) % test.count, 1000 + k));
  });

  async function accuracy(toField: (image: RawImage) => Float32Array): Promise<{ overall: number; byKind: Record<string, string> }> {
    const fields = new Float32Array(COUNT * 784);
    drawn.forEach((d, k) => fields.set(toField(d.image), k * 784));
    const predicted = tf.tidy(() => (model.predict(tf.tensor4d(fields, [COUNT, 28, 28, 1])) as tf.Tensor).argMax(1));
    const values = await predicted.data();
    predicted.dispose();
    const hits: Record<string, [number, number]> = {};
    drawn.forEach((d, k) => {
      const h = (hits[`${d.style}/${d.stroke}`] ??= [0, 0]);
      h[1]++;
      if (values[k] === d.label) h[0]++;
    });
    const correct = drawn.filter((d, k) => values[k] === d.label).length;
    return {
      overall: correct / COUNT,
      byKind: Object.fromEntries(Object.entries(hits).map(([g, [c, n]]) => [g, `${((c / n) * 100).toFixed(1)}% of ${n}`])),
    };
  }

  it('scores at least 98% through the MNIST recipe, where a naive resize of the canvas does not', async () => {
    const recipe = await accuracy((image) => preprocessDrawing(image)!);
    const naive = await accuracy(naiveResize);
    console.log(
      `redrawn MNIST (${COUNT}): recipe ${(recipe.overall * 100).toFixed(2)}%, naive resize ${(naive.overall * 100).toFixed(2)}%`,
      recipe.byKind,
    );
    expect(recipe.overall).toBeGreaterThanOrEqual(0.98);
    expect(naive.overall).toBeLessThan(0.6);
  });
});
