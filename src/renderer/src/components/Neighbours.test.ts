// The nearest training digits' heading agrees with the answer beside it (issue 25, item 5).
import { render, screen, waitFor } from '@testing-library/svelte';
import { beforeAll, describe, expect, it } from 'vitest';
import { PIXELS } from '../../../shared/mnist';
import { fakeCanvas } from '../testing/canvas';
import { fakeEngine } from '../testing/fake-api';
import Neighbours from './Neighbours.svelte';

beforeAll(fakeCanvas);

function setUp(answer: { label: number; confident: boolean }) {
  const api = fakeEngine();
  api.handle('model:neighbours', () => Array.from({ length: 8 }, (_, k) => ({ index: k, label: 5, distance: 1 + k })));
  api.handle('dataset:samples', ({ indices }: { indices: number[] }) => ({
    indices,
    labels: indices.map(() => 5),
    pixels: btoa(String.fromCharCode(...new Uint8Array(indices.length * PIXELS))),
  }));
  render(Neighbours, { api, field: new Array(PIXELS).fill(0.2), model: 'bundled', answer, onopen: () => undefined });
}

describe('Neighbours', () => {
  it('an unsure answer, its best guess 4, is never beside "Looks like these 5s"', async () => {
    setUp({ label: 4, confident: false });
    await waitFor(() => expect(screen.getByTestId('neighbours').dataset.count).toBe('8'));
    expect(screen.getByRole('heading').textContent!.trim()).toBe('Nearest training digits: mostly 5s');
  });

  it('a sure answer that the neighbours agree with says "Looks like these 5s"', async () => {
    setUp({ label: 5, confident: true });
    await waitFor(() => expect(screen.getByTestId('neighbours').dataset.count).toBe('8'));
    expect(screen.getByRole('heading').textContent!.trim()).toBe('Looks like these 5s');
  });
});
