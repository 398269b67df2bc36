// The nearest-digits index over all 60,000 training digits, in this thread and in the studio's worker.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { encodePng, readPng } from '../data/png.ts';
import { predictDrawing } from './predict.ts';
import { predictCommand } from '../../cli/commands.ts';
import { initBackend } from '../runtime/backend.ts';
import { type Dataset, loadDataset, PIXELS } from '../data/dataset.ts';
import { bundledModelDir } from './bundled.ts';
import { readModel } from './model-io.ts';
import { createModel } from './model.ts';
import { buildIndex, embedFields, type NeighbourIndex, nearestTo } from './neighbours.ts';
import { RunStore } from '../store/runs.ts';
import { Studio } from '../studio.ts';
import { defaultSpec } from '../../shared/spec.ts';
import type { tf } from '../runtime/backend.ts';

let dataset: Dataset;
let model: tf.LayersModel;
let index: NeighbourIndex;

beforeAll(async () => {
  await initBackend({ want: 'wasm' });
  dataset = await loadDataset();
  model = await readModel(bundledModelDir());
  index = await buildIndex(model, dataset.train);
}, 300_000);

const testField = (i: number) => Array.from(dataset.test.pixels.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v / 255);

describe('the nearest training digits of the bundled model', () => {
  it('equal a brute-force search over the same embeddings', async () => {
    expect(index.count).toBe(60_000);
    expect(index.width).toBe(84);
    for (const i of [0, 1, 2, 3, 4]) {
      const query = await embedFields(model, Float32Array.from(testField(i)));
      const all = Array.from({ length: index.count }, (_, row) => {
        let d = 0;
        for (let j = 0; j < 84; j++) d += (index.embeddings[row * 84 + j] - query[j]) ** 2;
        return { row, d };
      }).sort((a, b) => a.d - b.d || a.row - b.row);
      const found = await nearestTo(model, index, testField(i), 8);
      expect(found.map((n) => n.index)).toEqual(all.slice(0, 8).map((a) => a.row));
      expect(found.map((n) => n.label)).toEqual(all.slice(0, 8).map((a) => dataset.train.labels[a.row]));
      found.forEach((n, k) => expect(n.distance).toBeCloseTo(Math.sqrt(all[k].d), 3));
    }
  });

  it('share the true label of a test digit by majority for at least 95% of a sample', async () => {
    const sample = Array.from({ length: 200 }, (_, k) => k * 50);
    let right = 0;
    for (const i of sample) {
      const votes = new Array<number>(10).fill(0);
      for (const n of await nearestTo(model, index, testField(i), 8)) votes[n.label]++;
      if (votes.indexOf(Math.max(...votes)) === dataset.test.labels[i]) right++;
    }
    expect(right / sample.length).toBeGreaterThanOrEqual(0.95);
  });
});

describe('predict --neighbours', () => {
  it('adds the K nearest training digits, ascending, as the index answers them', async () => {
    const png = join(mkdtempSync(join(tmpdir(), 'neighbours-')), 'seven.png');
    const seven = dataset.test.pixels.subarray(0, PIXELS);
    const data = new Uint8Array(PIXELS * 4);
    // Dark ink on white, as a drawing is.
    seven.forEach((v, i) => data.set([255 - v, 255 - v, 255 - v, 255], i * 4));
    writeFileSync(png, encodePng({ width: 28, height: 28, data }));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await predictCommand(['--neighbours', '5', '--json', png]);
      const out = JSON.parse(String(log.mock.calls[0][0]));
      const prediction = await predictDrawing(model, await readPng(png));
      expect(out.neighbours).toEqual(await nearestTo(model, index, prediction!.input, 5));
      expect(out.neighbours.map((n: { distance: number }) => n.distance)).toEqual(
        [...out.neighbours.map((n: { distance: number }) => n.distance)].sort((a, b) => a - b),
      );
      expect(Object.keys(out.neighbours[0]).sort()).toEqual(['distance', 'index', 'label']);
    } finally {
      log.mockRestore();
    }
  });
});

describe('the studio', () => {
  it("builds the active model's index in a worker and follows a change of model", async () => {
    const userDir = mkdtempSync(join(tmpdir(), 'user-'));
    const studio = await Studio.open({ userDir, transport: 'websocket', version: 'test' });
    try {
      const field = testField(7);
      const bundled = await studio.handlers['model:neighbours']({ field });
      expect(bundled).toEqual(await nearestTo(model, index, field, 8));
      // Another model, of another width: a run with an untrained tiny network.
      const spec = {
        ...defaultSpec(),
        conv: [{ filters: 2, kernelSize: 5, padding: 'same' as const, pool: 'max' as const, poolSize: 2, poolStride: 2 }],
        dense: [16],
      };
      const store = new RunStore(join(userDir, 'runs'));
      const tiny = createModel(spec);
      const run = await store.create({ spec, dataDir: 'mnist', backend: 'wasm' });
      await store.saveCheckpoint({ ...run, epochsDone: 1, status: 'stopped', pid: undefined }, tiny, null);
      await studio.handlers['runs:activate']({ id: run.id });
      const other = await studio.handlers['model:neighbours']({ field });
      expect(other).toEqual(await nearestTo(tiny, await buildIndex(tiny, dataset.train), field, 8));
      expect(other).not.toEqual(bundled);
      await studio.handlers['runs:activate']({ id: 'bundled' });
      expect(await studio.handlers['model:neighbours']({ field, count: 3 })).toEqual(bundled.slice(0, 3));
      tiny.dispose();
    } finally {
      await studio.close();
    }
  }, 300_000);
});
