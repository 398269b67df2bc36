// The Draw place's state (the fabric pad itself needs a real canvas: the e2e suite draws on it).
import { describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import type { Prediction } from '../../../shared/contract';
import type { RawImage } from '../../../shared/preprocess';
import { DrawState } from './draw.svelte';
import { StudioState } from './studio.svelte';
import { fakeEngine, held, sureOf } from '../testing/fake-api';

/** A 100×100 white canvas with a dark vertical bar: a 1. */
function one(): RawImage {
  const data = new Uint8ClampedArray(100 * 100 * 4).fill(255);
  for (let y = 20; y < 80; y++) for (let x = 46; x < 54; x++) data.fill(0, (y * 100 + x) * 4, (y * 100 + x) * 4 + 3);
  return { width: 100, height: 100, channels: 4, data };
}
const blank = (): RawImage => ({ width: 10, height: 10, channels: 4, data: new Uint8ClampedArray(400).fill(255) });

function setUp() {
  const api = fakeEngine();
  api.handle('model:predict', () => sureOf(1));
  const studio = new StudioState(api);
  let draw!: DrawState;
  // $derived fields need an owner: an effect root standing in for the component.
  const stop = $effect.root(() => void (draw = new DrawState(studio)));
  return { api, studio, draw, stop };
}

describe('DrawState', () => {
  it('a finished stroke sends exactly one prediction and shows it', async () => {
    const { api, draw } = setUp();
    await draw.predict(one(), performance.now());
    flushSync();
    expect(api.count('model:predict')).toBe(1);
    expect(draw.label).toBe(1);
    expect(draw.field).not.toBeNull();
    expect(draw.latencyMs).not.toBeNull();
  });

  it('an empty pad asks nothing and shows no answer', async () => {
    const { api, draw } = setUp();
    await draw.predict(blank(), performance.now());
    expect(api.count('model:predict')).toBe(0);
    expect(draw.probabilities).toBeNull();
  });

  it('a model:changed asks again exactly once for the drawing on screen, and not at all for an empty pad', async () => {
    const { api, draw } = setUp();
    api.emit('model:changed', { id: 'run-1', label: 'run 1', testAccuracy: 0.9 });
    expect(api.count('model:predict')).toBe(0);
    await draw.predict(one(), null);
    api.handle('model:predict', () => sureOf(7));
    api.emit('model:changed', { id: 'run-1', label: 'run 1', testAccuracy: 0.9 });
    await vi.waitFor(() => expect(draw.label).toBe(7));
    // Once every reply is in and handled, no third request followed.
    await api.settled();
    expect(api.count('model:predict')).toBe(2);
  });

  it('a newer drawing cancels the prediction out and is asked next; the older reply is dropped (newest input wins)', async () => {
    const { api, draw } = setUp();
    const replies: ReturnType<typeof held<Prediction>>[] = [];
    api.handle('model:predict', () => {
      const reply = held<Prediction>();
      replies.push(reply);
      return reply.promise;
    });
    const first = draw.predict(one(), null);
    const second = draw.predict(one(), null);
    expect(replies).toHaveLength(1);
    expect(api.signals['model:predict']![0]?.aborted).toBe(true);
    replies[0].resolve(sureOf(9));
    await vi.waitFor(() => expect(replies).toHaveLength(2));
    replies[1].resolve(sureOf(4));
    await Promise.all([first, second]);
    expect(draw.label).toBe(4);
    expect(draw.predictions).toBe(1);
  });

  it('a lost connection says so instead of "no ink found"', async () => {
    const { api, studio, draw } = setUp();
    studio.disconnected = 'connection closed (1006)';
    api.handle('model:predict', () => Promise.reject(new Error('not connected to the studio host')));
    await draw.predict(one(), null);
    expect(draw.probabilities).toBeNull();
    expect(draw.problem).toMatch(/connection to the studio is lost/);
  });
});
