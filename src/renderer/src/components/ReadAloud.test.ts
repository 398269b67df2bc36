// What a screen reader hears of the studio's figures (issue 18, item 19): empty confusion cells say nothing,
// probability bars read a digit at a time, and every chart has its data in words; and the Draw place's
// output chart has a digit under each bar (item 12).
import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModelEvaluation } from '../../../shared/contract';
import { PIXELS } from '../../../shared/mnist';
import { describeSeries } from '../lib/describe';
import { fakeCanvas } from '../testing/canvas';
import { fakeApi } from '../testing/fake-api';
import { evaluationOf } from '../testing/records';
import ConfusionMatrix from './ConfusionMatrix.svelte';
import LineChart from './LineChart.svelte';
import NetworkView from './NetworkView.svelte';
import ProbabilityBars from './ProbabilityBars.svelte';

beforeAll(fakeCanvas);
afterEach(cleanup);

function evaluation(): ModelEvaluation {
  // 100 of each digit right, and three 4s read as 9.
  const confusion: number[][] = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (t === p ? 100 : 0)));
  confusion[4][9] = 3;
  return evaluationOf(confusion);
}

describe('read aloud', () => {
  it('an empty confusion cell says nothing; a full one says what it counts', () => {
    render(ConfusionMatrix, { evaluation: evaluation(), onselect: () => undefined });
    const cells = [...screen.getByTestId('confusion').querySelectorAll('td:not(.acc)')];
    expect(cells).toHaveLength(100);
    const empty = cells.filter((cell) => !cell.textContent!.trim());
    expect(empty).toHaveLength(100 - 10 - 1);
    expect(empty.every((cell) => !cell.hasAttribute('title'))).toBe(true);
    expect(screen.queryByText(/^0 \ds read as/)).toBeNull();
    expect(screen.getAllByText('100 3s read right')).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Show the 3 4s read as 9' })).toBeTruthy();
  });

  it('probability bars are a list read a digit at a time', () => {
    render(ProbabilityBars, { probabilities: [0, 0, 0, 0.92, 0, 0, 0, 0, 0.08, 0], label: 3 });
    const list = screen.getByRole('list', { name: 'Probabilities' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(10);
    expect(within(items[3]).getByText('3: 92.0% (the label)')).toBeTruthy();
    expect(within(items[8]).getByText('8: 8.0%')).toBeTruthy();
    // The drawn digit, bar and number are hidden from the reader: it hears each row once.
    expect(items[3].querySelectorAll(':scope > [aria-hidden="true"]')).toHaveLength(3);
  });

  it('a line chart carries its data in words', () => {
    render(LineChart, {
      title: 'Loss',
      yLabel: 'loss',
      series: [{ label: 'train', color: 'blue', points: [0, 1, 2].map((x) => ({ x, y: 2.3 - x })) }],
    });
    expect(screen.getByRole('img', { name: 'Loss: train: 3 points, loss from 2.3 at batch 0 to 0.3 at batch 2.' })).toBeTruthy();
    expect(describeSeries([], 'batch', 'loss')).toBe('no data yet.');
  });

  it('the output chart has a digit under each bar, and the dense charts their values in words', async () => {
    const probabilities = Array.from({ length: 10 }, (_, d) => (d === 3 ? 0.9 : d === 5 ? 0.1 : 0));
    const { api } = fakeApi({
      'model:explain': () => ({
        label: 3,
        probabilities,
        layers: [
          { name: 'dense1', shape: [4], values: [0, 2, 0, 1] },
          { name: 'output', shape: [10], values: probabilities },
        ],
        saliency: new Array(PIXELS).fill(0),
        saliencyMethod: 'gradient × input',
      }),
      'model:filters': () => [],
    });
    render(NetworkView, { api, field: new Array(PIXELS).fill(0.5), model: 'bundled' });
    const digits = await screen.findByTestId('output-digits');
    expect([...digits.children].map((d) => d.textContent)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    await waitFor(() => expect(screen.getByRole('img', { name: /^output, per digit: 0: 0\.0%, 1: 0\.0%, 2: 0\.0%, 3: 90\.0%/ })).toBeTruthy());
    expect(screen.getByRole('img', { name: 'dense1: 4 values, 2 above zero; strongest: unit 2 2, unit 4 1, unit 1 0.' })).toBeTruthy();
  });
});
