// The neighbours are asked for one request at a time: every stroke asks again, and while the engine builds its
// index (tens of seconds) the asks must not pile up on the connection, which takes 32 in flight at most.
import { describe, expect, it } from 'vitest';
import type { StudioApi } from '../../../shared/contract';
import { PIXELS } from '../../../shared/mnist';
import { NeighboursState } from './why.svelte';

/** An engine whose neighbours answer only when the test says so, counting what it is asked. */
function slowEngine() {
  const asked: number[][] = [];
  const signals: (AbortSignal | undefined)[] = [];
  const waiting: (() => void)[] = [];
  const api = {
    invoke: async (channel: string, payload: { field?: number[]; indices?: number[] }, options?: { signal?: AbortSignal }) => {
      if (channel === 'model:neighbours') {
        asked.push(payload.field!);
        signals.push(options?.signal);
        await new Promise<void>((resolve) => waiting.push(resolve));
        return [{ index: 7, label: 3, distance: 1.5 }];
      }
      if (channel === 'dataset:samples') return { indices: payload.indices, labels: [3], pixels: '' };
      throw new Error(`unexpected ${channel}`);
    },
  } as unknown as StudioApi;
  const answer = async () => {
    while (waiting.length === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    waiting.shift()!();
  };
  return { api, asked, signals, answer };
}

const field = (k: number) => Array.from({ length: PIXELS }, (_, i) => (i === k ? 1 : 0));

describe('the nearest training digits', () => {
  it('asks one at a time: strokes drawn while a request is out wait, and only the newest is asked next', async () => {
    const { api, asked, answer } = slowEngine();
    const state = new NeighboursState(api);
    const shown = [1, 2, 3, 4, 5].map((k) => state.show(field(k)));
    expect(asked).toHaveLength(1);
    expect(state.loading).toBe(true);
    await answer();
    await answer();
    await Promise.all(shown);
    expect(asked.map((f) => f.indexOf(1))).toEqual([1, 5]);
    expect(state.neighbours).toEqual([{ index: 7, label: 3, distance: 1.5 }]);
    expect(state.loading).toBe(false);
  });

  it('a newer stroke cancels the neighbours request in flight (the engine drops it if it has not started)', async () => {
    const { api, signals, answer } = slowEngine();
    const state = new NeighboursState(api);
    const shown = [1, 2].map((k) => state.show(field(k)));
    expect(signals[0]?.aborted).toBe(true);
    await answer();
    await answer();
    await Promise.all(shown);
    expect(signals.map((s) => s?.aborted)).toEqual([true, false]);
  });

  it('clears at once when the drawing is cleared, and drops what waited', async () => {
    const { api, asked, answer } = slowEngine();
    const state = new NeighboursState(api);
    const first = state.show(field(1));
    const second = state.show(field(2));
    await state.show(null);
    await answer();
    await Promise.all([first, second]);
    expect(asked).toHaveLength(1);
    expect(state.neighbours).toEqual([]);
    expect(state.loading).toBe(false);
  });
});
