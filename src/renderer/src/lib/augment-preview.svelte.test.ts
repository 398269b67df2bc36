// The augmentation preview asks once after edits rest, never for refused ranges, and drops stale replies.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultAugment } from '../../../shared/augment';
import type { DatasetSamples } from '../../../shared/contract';
import { PIXELS } from '../../../shared/mnist';
import { fakeApi, held } from '../testing/fake-api';
import { AugmentPreviewState, PREVIEW_COUNT } from './augment-preview.svelte';

const batch = (label: number): DatasetSamples => ({
  indices: [0],
  labels: [label],
  pixels: btoa(String.fromCharCode(...new Uint8Array(PIXELS))),
});

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function setUp() {
  const replies: ReturnType<typeof held<DatasetSamples>>[] = [];
  const { api, calls } = fakeApi({
    'training:augmentPreview': () => {
      const reply = held<DatasetSamples>();
      replies.push(reply);
      return reply.promise;
    },
  });
  let seed = 100;
  let preview!: AugmentPreviewState;
  const stop = $effect.root(() => void (preview = new AugmentPreviewState(api, 300, () => ++seed)));
  return { api, calls, replies, preview, stop };
}

describe('AugmentPreviewState', () => {
  it('a burst of edits sends one request, with the last ranges, once they rest', async () => {
    const { api, calls, preview, stop } = setUp();
    for (const rotation of [5, 10, 15]) preview.schedule({ ...defaultAugment(), rotation });
    expect(api.count('training:augmentPreview')).toBe(0);
    await vi.advanceTimersByTimeAsync(300);
    expect(api.count('training:augmentPreview')).toBe(1);
    expect(calls['training:augmentPreview']![0]).toEqual({ augment: { ...defaultAugment(), rotation: 15 }, seed: 1, count: PREVIEW_COUNT });
    stop();
  });

  it('ranges the schema refuses send nothing', async () => {
    const { api, preview, stop } = setUp();
    preview.schedule({ ...defaultAugment(), rotation: 90 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(api.count('training:augmentPreview')).toBe(0);
    stop();
  });

  it('a reply older than the newest request is dropped', async () => {
    const { replies, preview, stop } = setUp();
    preview.schedule(defaultAugment());
    await vi.advanceTimersByTimeAsync(300);
    const newer = preview.another();
    expect(preview.seed).toBe(101);
    replies[1].resolve(batch(2));
    await newer;
    replies[0].resolve(batch(9));
    await vi.advanceTimersByTimeAsync(0);
    expect(preview.samples?.labels).toEqual([2]);
    expect(preview.loading).toBe(false);
    stop();
  });

  it('a failed preview says so', async () => {
    const { replies, preview, stop } = setUp();
    preview.schedule(defaultAugment());
    await vi.advanceTimersByTimeAsync(300);
    replies[0].reject(new Error('training:augmentPreview is not built yet'));
    await vi.advanceTimersByTimeAsync(0);
    expect(preview.error).toBe('Could not draw the preview: training:augmentPreview is not built yet');
    stop();
  });
});
