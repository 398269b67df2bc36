// The drawing reaches the network view as soon as it is made: the maps are asked for while the bars'
// prediction is still on its way (one round trip for both, not one after the other).
import { describe, expect, it } from 'vitest';
import type { Prediction } from '../../../shared/contract';
import type { RawImage } from '../../../shared/preprocess';
import { DrawState } from './draw.svelte';
import { StudioState } from './studio.svelte';
import { fakeEngine, held, sureOf } from '../testing/fake-api';

function bar(x0: number): RawImage {
  const data = new Uint8ClampedArray(100 * 100 * 4).fill(255);
  for (let y = 20; y < 80; y++) for (let x = x0; x < x0 + 8; x++) data.fill(0, (y * 100 + x) * 4, (y * 100 + x) * 4 + 3);
  return { width: 100, height: 100, channels: 4, data };
}

describe('DrawState and the network view', () => {
  it('shows the model input before the prediction returns, and keeps the newest drawing when replies overtake', async () => {
    const api = fakeEngine();
    const replies: ReturnType<typeof held<Prediction>>[] = [];
    api.handle('model:predict', () => {
      replies.push(held<Prediction>());
      return replies.at(-1)!.promise;
    });
    let draw!: DrawState;
    const stop = $effect.root(() => void (draw = new DrawState(new StudioState(api))));
    const first = draw.predict(bar(30), performance.now());
    const shown = draw.field;
    expect(shown).not.toBeNull();
    expect(draw.probabilities).toBeNull();
    const second = draw.predict(bar(60), performance.now());
    expect(draw.field).not.toBe(shown);
    const newest = draw.field;
    replies[1].resolve(sureOf(1));
    replies[0].resolve(sureOf(7));
    await Promise.all([first, second]);
    expect(draw.field).toBe(newest);
    expect(draw.label).toBe(1);
    stop();
  });
});
