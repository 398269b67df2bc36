import { beforeAll, describe, expect, it } from 'vitest';
import { Augmenter, elasticBank } from './augment.ts';
import { makeBatch } from './batches.ts';
import { limitSplit, loadDataset, type Split } from './dataset.ts';
import { initBackend, tf } from '../runtime/backend.ts';
import { createModel, createOptimizer } from '../model/model.ts';
import { train } from '../training/train.ts';
import { defaultAugment, type AugmentSpec } from '../../shared/augment.ts';
import { defaultSpec } from '../../shared/spec.ts';
import { PIXELS } from '../../shared/mnist.ts';

const OFF: AugmentSpec = { shift: 0, rotation: 0, scale: 0, shear: 0, thickness: 0, elastic: 0 };
let test: Split;

beforeAll(async () => {
  await initBackend({ want: 'wasm' });
  test = limitSplit((await loadDataset()).test, 300);
});

const image = (i: number) => test.pixels.subarray(i * PIXELS, (i + 1) * PIXELS);
const indicesOf = (label: number, n: number) =>
  Array.from({ length: test.count }, (_, i) => i)
    .filter((i) => test.labels[i] === label)
    .slice(0, n);

/** Ink mass, centre of mass, and second central moments of an image (values any scale). */
function moments(values: ArrayLike<number>) {
  let m = 0;
  let cx = 0;
  let cy = 0;
  for (let p = 0; p < PIXELS; p++) {
    m += values[p];
    cx += values[p] * (p % 28);
    cy += values[p] * Math.floor(p / 28);
  }
  cx /= m;
  cy /= m;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let p = 0; p < PIXELS; p++) {
    const dx = (p % 28) - cx;
    const dy = Math.floor(p / 28) - cy;
    xx += values[p] * dx * dx;
    yy += values[p] * dy * dy;
    xy += values[p] * dx * dy;
  }
  return { m, cx, cy, xx: xx / m, yy: yy / m, xy: xy / m, angle: 0.5 * Math.atan2(2 * xy, xx - yy) };
}

const source = (i: number) => Float32Array.from(image(i), (v) => v / 255);

function augmented(spec: AugmentSpec, seed: number, i: number, epoch = 0) {
  const augmenter = new Augmenter(spec, seed);
  const out = new Float32Array(PIXELS);
  augmenter.augment(image(i), epoch, i, out);
  return { out, params: { ...augmenter.params } };
}

describe('augmentation', () => {
  it('is deterministic for a seed, differs for another seed and another epoch, keeps labels and pixels in [0, 1]', () => {
    const spec = defaultAugment();
    const indices = Array.from({ length: 50 }, (_, i) => i);
    const batch = (seed: number, epoch: number) => {
      const b = makeBatch(test, indices, { augmenter: new Augmenter(spec, seed), epoch });
      const result = { xs: b.xs.dataSync().slice(), labels: Array.from(b.labels) };
      tf.dispose([b.xs, b.ys]);
      return result;
    };
    const a = batch(7, 0);
    expect(batch(7, 0).xs).toEqual(a.xs);
    const other = batch(8, 0).xs;
    const later = batch(7, 1).xs;
    expect(other.some((v, p) => Math.abs(v - a.xs[p]) > 0.1)).toBe(true);
    expect(later.some((v, p) => Math.abs(v - a.xs[p]) > 0.1)).toBe(true);
    expect(a.labels).toEqual(indices.map((i) => test.labels[i]));
    for (const xs of [a.xs, other, later]) expect(xs.every((v) => v >= 0 && v <= 1)).toBe(true);
    const strong = batch(3, 0);
    expect(strong.xs.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('with every range 0 is the data as it is', () => {
    for (const i of [0, 1, 2]) expect(augmented(OFF, 1, i).out).toEqual(source(i));
  });

  it('shift alone moves the centre of mass by the drawn amount, never more than the range', () => {
    for (const i of indicesOf(0, 20)) {
      const { out, params } = augmented({ ...OFF, shift: 3 }, i, i);
      const before = moments(source(i));
      const after = moments(out);
      expect(Math.abs(after.cx - before.cx)).toBeLessThanOrEqual(3 + 0.05);
      expect(Math.abs(after.cy - before.cy)).toBeLessThanOrEqual(3 + 0.05);
      expect(after.cx - before.cx).toBeCloseTo(params.shiftX, 1);
      expect(after.cy - before.cy).toBeCloseTo(params.shiftY, 1);
    }
  });

  it('rotation alone turns the principal axis by at most the range', () => {
    const range = 15;
    let turned = 0;
    for (const i of indicesOf(1, 20)) {
      const { out, params } = augmented({ ...OFF, rotation: range }, i, i);
      const turn = moments(out).angle - moments(source(i)).angle;
      const wrapped = Math.atan2(Math.sin(2 * turn), Math.cos(2 * turn)) / 2;
      expect(Math.abs(wrapped) * (180 / Math.PI)).toBeLessThanOrEqual(range + 1);
      expect(Math.abs(wrapped - params.rotation) * (180 / Math.PI)).toBeLessThan(2.5);
      turned = Math.max(turned, Math.abs(wrapped));
    }
    // Some sample did turn by a good part of the range.
    expect(turned * (180 / Math.PI)).toBeGreaterThan(range / 2);
  });

  it('scale alone changes the ink extent within its factor', () => {
    const range = 0.2;
    for (const i of indicesOf(3, 20)) {
      const { out, params } = augmented({ ...OFF, scale: range }, i, i);
      const before = moments(source(i));
      const after = moments(out);
      const factor = Math.sqrt((after.xx + after.yy) / (before.xx + before.yy));
      expect(factor).toBeGreaterThanOrEqual(1 - range - 0.03);
      expect(factor).toBeLessThanOrEqual(1 + range + 0.03);
      expect(factor).toBeCloseTo(params.scale, 1);
    }
  });

  it('shear alone keeps the rows and slants the columns by at most the range', () => {
    for (const i of indicesOf(1, 10)) {
      const { out, params } = augmented({ ...OFF, shear: 20 }, i, i);
      const before = moments(source(i));
      const after = moments(out);
      // A horizontal shear keeps each row's height: the vertical spread is unchanged.
      expect(after.yy).toBeCloseTo(before.yy, 0);
      // xy grows by tan(φ)·yy.
      const slant = Math.atan((after.xy - before.xy) / before.yy) * (180 / Math.PI);
      expect(Math.abs(slant)).toBeLessThanOrEqual(20 + 1);
      expect(slant).toBeCloseTo((params.shear * 180) / Math.PI, -0.5);
    }
  });

  it('thickness alone adds ink when positive and takes it away when negative', () => {
    let grown = 0;
    let thinned = 0;
    for (const i of indicesOf(7, 20)) {
      const { out, params } = augmented({ ...OFF, thickness: 1.5 }, i, i);
      const change = moments(out).m - moments(source(i)).m;
      if (Math.abs(params.thickness) < 0.05) continue;
      if (params.thickness > 0) {
        expect(change).toBeGreaterThan(0);
        grown++;
      } else {
        expect(change).toBeLessThan(0);
        thinned++;
      }
    }
    expect(grown).toBeGreaterThan(0);
    expect(thinned).toBeGreaterThan(0);
  });

  it('elastic alone moves no pixel further than its range: a single dot lands within the range (and the sampling footprint)', () => {
    const range = 4;
    const dot = new Uint8Array(PIXELS);
    let moved = 0;
    for (let k = 0; k < 40; k++) {
      const [x0, y0] = [8 + (k % 12), 8 + ((k * 5) % 12)];
      dot.fill(0);
      dot[y0 * 28 + x0] = 255;
      const augmenter = new Augmenter({ ...OFF, elastic: range }, k);
      const out = new Float32Array(PIXELS);
      augmenter.augment(dot, 0, k, out);
      for (let p = 0; p < PIXELS; p++) {
        if (out[p] === 0) continue;
        const distance = Math.hypot((p % 28) - x0, Math.floor(p / 28) - y0);
        expect(distance).toBeLessThanOrEqual(range + Math.SQRT2);
        moved = Math.max(moved, distance);
      }
    }
    expect(moved).toBeGreaterThan(1);
  });

  it("the elastic bank's fields are smooth and their largest displacement is 1", () => {
    const bank = elasticBank(5, 4);
    for (let f = 0; f < 4; f++) {
      const dx = bank.subarray(2 * f * PIXELS, (2 * f + 1) * PIXELS);
      const dy = bank.subarray((2 * f + 1) * PIXELS, (2 * f + 2) * PIXELS);
      const lengths = Array.from(dx, (v, p) => Math.hypot(v, dy[p]));
      expect(Math.max(...lengths)).toBeCloseTo(1, 5);
      // Neighbours differ by a small part of the largest displacement: σ = 4 pixels of smoothing.
      for (let p = 0; p < PIXELS - 1; p++) if (p % 28 !== 27) expect(Math.abs(dx[p + 1] - dx[p])).toBeLessThan(0.35);
    }
    expect(elasticBank(5, 4)).toEqual(bank);
  });

  it('a spec without augment trains exactly as before; with every range 0 it trains the same too', async () => {
    const spec = {
      ...defaultSpec(),
      conv: [{ filters: 2, kernelSize: 5, padding: 'same' as const, pool: 'max' as const, poolSize: 2, poolStride: 2 }],
      dense: [8],
      batchSize: 50,
    };
    const weights = async (augment?: AugmentSpec) => {
      const model = createModel(spec);
      const optimizer = createOptimizer(spec);
      await train(model, optimizer, { train: limitSplit(test, 200), test: limitSplit(test, 10) }, { batchSize: 50, epochs: 1, seed: 3, augment });
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      optimizer.dispose();
      return values;
    };
    // The plain batches are the bytes / 255, nothing else.
    const plain = makeBatch(test, [4, 9]);
    expect(plain.xs.dataSync()).toEqual(Float32Array.from([...image(4), ...image(9)], (v) => v / 255));
    tf.dispose([plain.xs, plain.ys]);
    const off = await weights();
    expect(await weights(OFF)).toEqual(off);
    expect(await weights(defaultAugment())).not.toEqual(off);
  });
});
