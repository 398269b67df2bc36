// Honest confidence: an unsure prediction states no digit, says why, and greys the bars.
import { render, screen, waitFor } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import type { Prediction } from '../../../shared/contract';
import type { RawImage } from '../../../shared/preprocess';
import { DrawState } from '../lib/draw.svelte';
import { StudioState } from '../lib/studio.svelte';
import { fakeEngine, sureOf } from '../testing/fake-api';
import DrawAnswer from './DrawAnswer.svelte';

/** A 100×100 white canvas with a dark vertical bar. */
function bar(): RawImage {
  const data = new Uint8ClampedArray(100 * 100 * 4).fill(255);
  for (let y = 20; y < 80; y++) for (let x = 46; x < 54; x++) data.fill(0, (y * 100 + x) * 4, (y * 100 + x) * 4 + 3);
  return { width: 100, height: 100, channels: 4, data };
}

async function answered(prediction: Prediction) {
  const api = fakeEngine();
  api.handle('model:predict', () => prediction);
  const studio = new StudioState(api);
  let draw!: DrawState;
  const stop = $effect.root(() => void (draw = new DrawState(studio)));
  render(DrawAnswer, { draw, why: 'draw something' });
  await draw.predict(bar(), null);
  flushSync();
  return { api, stop };
}

describe('DrawAnswer', () => {
  it('a confident prediction shows its digit and how sure, with the bars in colour', async () => {
    const { stop } = await answered(sureOf(1));
    expect(screen.getByTestId('predicted-label').textContent).toBe('1');
    expect(screen.getByTestId('answer').textContent).toContain('100.0% sure');
    expect(screen.queryByTestId('unsure')).toBeNull();
    expect(screen.getByTestId('probabilities').dataset.unsure).toBeUndefined();
    stop();
  });

  it('an unsure prediction states no digit, gives the reason and marks the bars unsure', async () => {
    const probabilities = [0.05, 0.3, 0.05, 0.05, 0.05, 0.05, 0.05, 0.3, 0.05, 0.05];
    const { api, stop } = await answered({ label: 1, probabilities, confident: false, reason: 'too little ink to read a digit' });
    expect(api.count('model:predict')).toBe(1);
    expect(screen.getByTestId('predicted-label').textContent).toBe('?');
    expect(screen.getByTestId('unsure').textContent).toBe('Not sure: too little ink to read a digit');
    expect(screen.getByTestId('answer').textContent).not.toMatch(/% sure/);
    const bars = screen.getByTestId('probabilities');
    expect(bars.dataset.unsure).toBe('true');
    expect(bars.getAttribute('aria-label')).toBe('Probabilities (the model is unsure)');
    stop();
  });

  it('an engine reason that starts with its own lead-in is not said twice', async () => {
    const probabilities = Array.from({ length: 10 }, () => 0.1);
    const { stop } = await answered({ label: 0, probabilities, confident: false, reason: 'unsure: its best guess has only 10%' });
    expect(screen.getByTestId('unsure').textContent).toBe('Not sure: its best guess has only 10%');
    stop();
  });

  it("the drawing's ink summary goes with its field, and again when the model changes", async () => {
    const { api, stop } = await answered(sureOf(1));
    api.emit('model:changed', { id: 'run-1', label: 'run 1', testAccuracy: 0.9 });
    await waitFor(() => expect(api.count('model:predict')).toBe(2));
    for (const payload of api.payloads['model:predict']!) expect((payload as { ink?: unknown }).ink).toEqual({ extent: 0.6 });
    stop();
  });
});
