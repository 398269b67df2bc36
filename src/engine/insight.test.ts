import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSamples } from '../shared/contract.ts';
import type { FilterImage, ModelExplanation } from '../shared/explain.ts';
import { PIXELS } from '../shared/mnist.ts';
import { dispatch } from './dispatch.ts';
import { Studio } from './studio.ts';

let studio: Studio;

beforeAll(async () => {
  studio = await Studio.open({ userDir: mkdtempSync(join(tmpdir(), 'user-')), transport: 'websocket', version: 'test' });
});

afterAll(() => studio.close());

async function value<T>(channel: string, payload?: unknown): Promise<T> {
  const reply = await dispatch(studio, channel, payload);
  if (!reply.ok) throw new Error(reply.error);
  return reply.value as T;
}

async function testDigit(index: number): Promise<{ field: number[]; label: number }> {
  const samples = await value<DatasetSamples>('dataset:samples', { split: 'test', indices: [index] });
  return { field: Array.from(Buffer.from(samples.pixels, 'base64'), (v) => v / 255), label: samples.labels[0] };
}

describe('the contract for looking inside the model', () => {
  it('dataset:samples returns the chosen digits in the order asked, each the same as dataset:sample gives', async () => {
    const samples = await value<DatasetSamples>('dataset:samples', { split: 'test', indices: [7, 0, 7] });
    expect(samples.indices).toEqual([7, 0, 7]);
    const bytes = Buffer.from(samples.pixels, 'base64');
    expect(bytes.length).toBe(3 * PIXELS);
    const seven = await value<{ label: number; pixels: string }>('dataset:sample', { split: 'test', index: 7 });
    expect(samples.labels[0]).toBe(seven.label);
    expect(bytes.subarray(0, PIXELS).equals(Buffer.from(seven.pixels, 'base64'))).toBe(true);
    expect(bytes.subarray(2 * PIXELS).equals(bytes.subarray(0, PIXELS))).toBe(true);
    expect(bytes.subarray(PIXELS, 2 * PIXELS).equals(bytes.subarray(0, PIXELS))).toBe(false);
  });

  it('dataset:samples refuses an index past the split and more than 1000 indices', async () => {
    expect(await dispatch(studio, 'dataset:samples', { split: 'test', indices: [3, 10000] })).toEqual({
      ok: false,
      error: 'test has 10000 samples; there is no index 10000',
    });
    const many = await dispatch(studio, 'dataset:samples', { split: 'train', indices: Array.from({ length: 1001 }, (_, i) => i) });
    expect(many).toMatchObject({ ok: false, error: expect.stringMatching(/^dataset:samples: invalid payload \(indices: /) });
  });

  it('model:explain answers every shown layer, the right label and a saliency map for a test digit', async () => {
    const { field, label } = await testDigit(0);
    const explanation = await value<ModelExplanation>('model:explain', { field });
    expect(explanation.label).toBe(label);
    expect(explanation.layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'dense1', 'dense2', 'output']);
    expect(explanation.layers.map((l) => l.shape)).toEqual([[28, 28, 6], [14, 14, 6], [10, 10, 16], [5, 5, 16], [120], [84], [10]]);
    expect(explanation.saliency).toHaveLength(PIXELS);
    // Gradient × input is zero wherever the input is.
    expect(explanation.saliency.every((s, i) => field[i] !== 0 || s === 0)).toBe(true);
    expect(explanation.saliencyMethod).toBe('gradient × input');
  });

  it('model:explain rejects a field of the wrong length or range with a one-line message', async () => {
    const short = await dispatch(studio, 'model:explain', { field: [0.5, 0.5] });
    expect(short).toMatchObject({ ok: false, error: expect.stringMatching(/^model:explain: invalid payload \(field: /) });
    const bright = await dispatch(studio, 'model:explain', { field: new Array(PIXELS).fill(2) });
    expect(bright).toMatchObject({ ok: false, error: expect.stringMatching(/^model:explain: invalid payload/) });
    expect(await dispatch(studio, 'model:explain', undefined)).toMatchObject({ ok: false });
  });

  it("model:filters answers conv1's six 5×5 kernels and takes no payload", async () => {
    const filters = await value<FilterImage[]>('model:filters');
    expect(filters).toHaveLength(6);
    for (const filter of filters) {
      expect([filter.width, filter.height]).toEqual([5, 5]);
      expect(filter.values).toHaveLength(25);
    }
    expect(new Set(filters.map((f) => f.values.join())).size).toBe(6);
    expect(await dispatch(studio, 'model:filters', { layer: 2 })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^model:filters: invalid payload/),
    });
  });
});
