// Marking the active model's mistakes in the Dataset grid: exactly the digits in the evaluation's errors,
// from one model:evaluate shared with the Model place, read out with what the model read, and asked again
// when the model changes.
import { cleanup, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModelEvaluation } from '../../../shared/contract';
import { InsightState } from '../lib/insight.svelte';
import { StudioState } from '../lib/studio.svelte';
import { fakeCanvas } from '../testing/canvas';
import { fakeEngine, held } from '../testing/fake-api';
import DatasetView from './DatasetView.svelte';

beforeAll(fakeCanvas);
afterEach(cleanup);

const evaluation = (errors: [index: number, predicted: number][]): ModelEvaluation => ({
  loss: 0.05,
  accuracy: 0.99,
  confusion: [],
  perClassAccuracy: [],
  perClass: [],
  errors: errors.map(([index, predicted]) => ({ index, label: index % 10, predicted, probability: 0.9 })),
  count: 1000,
  model: { id: 'bundled', label: 'bundled LeNet-5', testAccuracy: 0.99 },
});

async function setUp() {
  const api = fakeEngine();
  let errors: [number, number][] = [
    [3, 5],
    [17, 1],
    [150, 6],
  ];
  api.handle('model:evaluate', () => evaluation(errors));
  const studio = new StudioState(api);
  await studio.load();
  render(DatasetView, { studio });
  const user = userEvent.setup();
  await user.click(screen.getByRole('button', { name: /^Test/ }));
  return { api, studio, user, setErrors: (next: [number, number][]) => (errors = next) };
}

const grid = () => screen.getByTestId('thumb-grid');

describe("the model's mistakes in the Dataset grid", () => {
  it('marks exactly the digits in the errors, says what the model read, with one model:evaluate shared with the Model place', async () => {
    const { api, studio, user } = await setUp();
    const toggle = screen.getByRole('button', { name: "Mark the model's mistakes" });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    await user.click(toggle);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    await waitFor(() => expect(grid().dataset.marked).toBe('3 17 150'));
    expect(api.count('model:evaluate')).toBe(1);

    // The keyboard's ring on #3 reads it out with what the model made of it; #2 has no mark.
    grid().focus();
    await user.keyboard('{ArrowRight}{ArrowRight}{ArrowRight}');
    expect(screen.getByText('Sample #2, labelled 2')).toBeTruthy();
    await user.keyboard('{ArrowRight}');
    expect(screen.getByText('Sample #3, labelled 3, misread as 5')).toBeTruthy();

    // Off and on again, and the Model place's evaluation: still the one request.
    await user.click(toggle);
    expect(grid().dataset.marked).toBe('');
    await user.click(toggle);
    expect(grid().dataset.marked).toBe('3 17 150');
    const insight = new InsightState(studio);
    api.handle('dataset:samples', ({ indices }: { indices: number[] }) => ({ indices, labels: indices, pixels: '' }));
    await insight.evaluate();
    expect(insight.evaluation?.errors.map((e) => e.index)).toEqual([3, 17, 150]);
    expect(api.count('model:evaluate')).toBe(1);
    insight.dispose();
  });

  it('asks once more when the active model changes, and marks its mistakes instead', async () => {
    const { api, user, setErrors } = await setUp();
    await user.click(screen.getByRole('button', { name: "Mark the model's mistakes" }));
    await waitFor(() => expect(grid().dataset.marked).toBe('3 17 150'));
    setErrors([[42, 7]]);
    api.emit('model:changed', { id: '20261128-100000-aaaa', label: 'run', testAccuracy: 0.9 });
    await waitFor(() => expect(grid().dataset.marked).toBe('42'));
    expect(api.count('model:evaluate')).toBe(2);
  });

  it('on the train split says that the evaluation covers the test split, and marks nothing', async () => {
    const { user } = await setUp();
    await user.click(screen.getByRole('button', { name: "Mark the model's mistakes" }));
    await waitFor(() => expect(grid().dataset.marked).toBe('3 17 150'));
    await user.click(screen.getByRole('button', { name: /^Train/ }));
    expect(screen.getByRole('status').textContent).toMatch(/The evaluation covers the test split/);
    await waitFor(() => expect(grid().dataset.marked).toBe(''));
  });

  it('My digits shows no hint about the test split, which does not apply there (issue 29, item 19)', async () => {
    const { user } = await setUp();
    await user.click(screen.getByRole('button', { name: "Mark the model's mistakes" }));
    await waitFor(() => expect(grid().dataset.marked).toBe('3 17 150'));
    await user.click(screen.getByRole('button', { name: /^Train/ }));
    await user.click(screen.getByTestId('source-mine'));
    await waitFor(() => expect(screen.queryByText(/The evaluation covers the test split/)).toBeNull());
  });

  it('shows progress while evaluating and the count when done, then filters to the mistakes only (issue 18, item 10)', async () => {
    const { api, user } = await setUp();
    const reply = held<ModelEvaluation>();
    api.handle('model:evaluate', () => reply.promise);
    api.handle('dataset:samples', ({ indices }: { indices: number[] }) => ({ indices, labels: indices.map((i) => i % 10), pixels: '' }));
    await user.click(screen.getByRole('button', { name: "Mark the model's mistakes" }));
    const progress = await screen.findByTestId('mistakes-progress');
    expect(progress.querySelector('progress')).toBeTruthy();
    expect(progress.textContent).toMatch(/Evaluating the active model on the 10,000 test digits/);
    reply.resolve(
      evaluation([
        [150, 6],
        [3, 5],
        [17, 1],
      ]),
    );
    expect((await screen.findByTestId('mistakes-count')).textContent).toMatch(/^\s*3 test digits the model reads wrong, marked with a red corner/);
    expect(screen.queryByTestId('mistakes-progress')).toBeNull();

    await user.click(screen.getByRole('checkbox', { name: 'Only mistakes' }));
    await waitFor(() => expect(screen.getByTestId('grid-total').dataset.total).toBe('3'));
    expect(api.payloads['dataset:samples']).toEqual([{ split: 'test', indices: [3, 17, 150] }]);
    expect(screen.getByTestId('grid-total').textContent).toMatch(/3\s+mistakes/);
    // With the label filter: the mistakes of that digit alone.
    await user.click(screen.getByRole('button', { name: '7 only' }));
    await waitFor(() => expect(screen.getByTestId('grid-total').dataset.total).toBe('1'));
    expect(api.payloads['dataset:samples']!.at(-1)).toEqual({ split: 'test', indices: [17] });
  });
});
