import { cleanup, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModelExplanation } from '../../../shared/explain';
import { PIXELS } from '../../../shared/mnist';
import { fakeCanvas } from '../testing/canvas';
import { fakeApi } from '../testing/fake-api';
import NetworkView from './NetworkView.svelte';

beforeAll(fakeCanvas);
afterEach(cleanup);

const field = (value: number) => new Array<number>(PIXELS).fill(value);

/** What the fake engine answers for an input: its label is the input's first pixel × 10. */
function explanationOf(input: number[]): ModelExplanation {
  const label = Math.round(input[0] * 10);
  const probabilities = Array.from({ length: 10 }, (_, d) => (d === label ? 1 : 0));
  return {
    label,
    probabilities,
    layers: [
      { name: 'conv1', shape: [28, 28, 2], values: new Array(28 * 28 * 2).fill(0.5) },
      { name: 'pool1', shape: [14, 14, 2], values: new Array(14 * 14 * 2).fill(0.5) },
      { name: 'dense1', shape: [8], values: [1, 0, 2, 0, 3, 0, 1, 0] },
      { name: 'output', shape: [10], values: probabilities },
    ],
    saliency: input.map((v, i) => (i % 2 ? v : -v)),
    saliencyMethod: 'gradient × input',
  };
}

/** An engine whose explain replies wait until the test releases them, one by one in order. */
function heldEngine() {
  const held: (() => void)[] = [];
  const { api, calls } = fakeApi({
    'model:explain': ({ field: input }: { field: number[] }) => new Promise((resolve) => held.push(() => resolve(explanationOf(input)))),
    'model:filters': () => [{ width: 5, height: 5, values: new Array(25).fill(0.1) }],
  });
  const release = async () => {
    await waitFor(() => expect(held.length).toBeGreaterThan(0));
    held.shift()!();
  };
  return { api, calls, release };
}

describe('NetworkView', () => {
  it('makes exactly one model:explain call per new input and draws every layer of the reply', async () => {
    const { api, calls, release } = heldEngine();
    const view = render(NetworkView, { api, field: field(0.3) });
    expect(calls['model:explain']).toHaveLength(1);
    await release();
    const network = screen.getByTestId('network-view');
    await waitFor(() => expect(network.dataset.label).toBe('3'));
    expect(screen.getByTestId('layer-conv1').querySelectorAll('canvas')).toHaveLength(2);
    expect(screen.getByTestId('layer-pool1').querySelectorAll('canvas')).toHaveLength(2);
    expect(screen.getByTestId('saliency').textContent).toContain('gradient × input');
    expect(screen.getByTestId('filters').dataset.count).toBe('1');

    await view.rerender({ api, field: field(0.7) });
    expect(calls['model:explain']).toHaveLength(2);
    await release();
    await waitFor(() => expect(network.dataset.label).toBe('7'));
    expect(calls['model:explain']).toHaveLength(2);
    expect(calls['model:filters']).toHaveLength(1);
  });

  it('keeps one request in flight, drops the reply an input overtook and shows only the newest', async () => {
    const { api, calls, release } = heldEngine();
    const view = render(NetworkView, { api, field: field(0.1) });
    await view.rerender({ api, field: field(0.2) });
    await view.rerender({ api, field: field(0.4) });
    // 0.2 was overtaken by 0.4 before it was ever asked for.
    expect(calls['model:explain']).toHaveLength(1);
    await release();
    await waitFor(() => expect(calls['model:explain']).toHaveLength(2));
    const network = screen.getByTestId('network-view');
    // The reply for 0.1 came after newer inputs: dropped, never drawn.
    expect(network.dataset.replies).toBe('0');
    expect(network.dataset.label).toBe('');
    expect((calls['model:explain']![1] as { field: number[] }).field[0]).toBe(0.4);
    await release();
    await waitFor(() => expect(network.dataset.label).toBe('4'));
    expect(network.dataset.replies).toBe('1');
  });

  it('clears when the input goes away, and drops a reply still on its way', async () => {
    const { api, release } = heldEngine();
    const view = render(NetworkView, { api, field: field(0.5) });
    await view.rerender({ api, field: null });
    await release();
    await api.settled();
    expect(screen.getByTestId('network-view').dataset.replies).toBe('0');
    expect(screen.getByText(/Pick or draw a digit/)).toBeTruthy();
  });
});
