// The drawing's answer through the run's epochs: the chart names its axes (issue 29, item 20).
import { render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { PIXELS } from '../../../shared/mnist';
import { fakeEngine } from '../testing/fake-api';
import EpochHistory from './EpochHistory.svelte';

describe('EpochHistory', () => {
  it("names the chart's axes: each epoch below, 0% to 100% at the left", async () => {
    const api = fakeEngine();
    const probabilities = (digit: number, p: number) => Array.from({ length: 10 }, (_, d) => (d === digit ? p : (1 - p) / 9));
    api.handle('runs:epochHistory', () => ({
      epochsDone: 3,
      epochs: [1, 2, 3].map((epoch) => ({ epoch, label: 4, probabilities: probabilities(4, 0.5 + epoch / 10) })),
    }));
    render(EpochHistory, { api, field: new Array(PIXELS).fill(0.5), runId: '20261206-100000-aaaa' });
    await waitFor(() => expect(screen.getAllByTestId('epoch-tick').map((t) => t.textContent)).toEqual(['1', '2', '3']));
    const svg = screen.getByRole('img');
    expect([...svg.querySelectorAll('text')].map((t) => t.textContent)).toEqual(expect.arrayContaining(['0%', '100%', 'epoch', 'probability']));
  });
});
