import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { tick } from 'svelte';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModelEvaluation } from '../../../shared/contract';
import type { Misclassified } from '../../../shared/explain';
import { PIXELS } from '../../../shared/mnist';
import { StudioState } from '../lib/studio.svelte';
import { fakeCanvas } from '../testing/canvas';
import { fakeApi } from '../testing/fake-api';
import { evaluationOf } from '../testing/records';
import ModelView from './ModelView.svelte';

beforeAll(fakeCanvas);
afterEach(cleanup);
/** jsdom lays nothing out and has no scrollIntoView: the elements asked to scroll into view, in order. */
const scrolled: Element[] = [];
beforeAll(() => {
  Element.prototype.scrollIntoView = function (this: Element) {
    scrolled.push(this);
  };
});

const mistake = (index: number, label: number, predicted: number, probability: number): Misclassified => ({ index, label, predicted, probability });
// Three 4s read as 9, two 7s read as 1 and one 5 read as 3, most confident first as the engine sends them.
const errors = [
  mistake(10, 4, 9, 0.99),
  mistake(20, 7, 1, 0.9),
  mistake(11, 4, 9, 0.8),
  mistake(30, 5, 3, 0.7),
  mistake(12, 4, 9, 0.6),
  mistake(21, 7, 1, 0.5),
];

function evaluation(): ModelEvaluation {
  const confusion = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (t === p ? 100 : 0)));
  for (const e of errors) confusion[e.label][e.predicted]++;
  return evaluationOf(confusion, errors);
}

const base64Zeros = (count: number) => btoa(String.fromCharCode(...new Uint8Array(count * PIXELS)));

function setUp() {
  const { api, calls } = fakeApi({
    'model:evaluate': evaluation,
    'dataset:samples': ({ indices }: { indices: number[] }) => ({ indices, labels: indices.map(() => 0), pixels: base64Zeros(indices.length) }),
    'dataset:sample': ({ index }: { index: number }) => {
      const e = errors.find((m) => m.index === index)!;
      const probabilities = Array.from({ length: 10 }, (_, d) => (d === e.predicted ? 1 : 0));
      return { split: 'test', index, label: e.label, pixels: base64Zeros(1), prediction: { label: e.predicted, probabilities, confident: true } };
    },
    'model:explain': () => ({
      label: 9,
      probabilities: new Array(10).fill(0.1),
      layers: [],
      saliency: new Array(PIXELS).fill(0),
      saliencyMethod: 'gradient × input',
    }),
    'model:filters': () => [],
  });
  const studio = new StudioState(api);
  studio.activeModel = evaluation().model;
  render(ModelView, { studio });
  return { api, calls, user: userEvent.setup() };
}

const thumbs = () => screen.queryAllByTestId('error-thumb');

describe('the Model place', () => {
  it('evaluates once, then a confusion cell shows exactly its digits without evaluating again', async () => {
    const { calls, user } = setUp();
    await user.click(screen.getByTestId('model-evaluate'));
    await waitFor(() => expect(thumbs()).toHaveLength(6));
    expect(thumbs().map((t) => t.dataset.predicted)).toEqual(['9', '1', '9', '3', '9', '1']);
    // One request for every thumbnail's pixels.
    expect(calls['dataset:samples']).toEqual([{ split: 'test', indices: [10, 20, 11, 30, 12, 21] }]);

    await user.click(screen.getByRole('button', { name: 'Show the 3 4s read as 9' }));
    await waitFor(() => expect(thumbs()).toHaveLength(3));
    expect(thumbs().every((t) => t.dataset.label === '4' && t.dataset.predicted === '9')).toBe(true);
    expect(
      within(screen.getByRole('toolbar', { name: 'True digit filter' }))
        .getByRole('button', { name: '4' })
        .getAttribute('aria-pressed'),
    ).toBe('true');
    expect(
      within(screen.getByRole('toolbar', { name: 'Model said filter' }))
        .getByRole('button', { name: '9' })
        .getAttribute('aria-pressed'),
    ).toBe('true');

    await user.click(screen.getByRole('button', { name: 'Show the 2 7s read as 1' }));
    await waitFor(() => expect(thumbs().map((t) => t.dataset.label)).toEqual(['7', '7']));
    expect(calls['model:evaluate']).toHaveLength(1);
    // Their pixels came with the first page: no more requests.
    expect(calls['dataset:samples']).toHaveLength(1);
  });

  it('filters by the predicted digit alone, and "any" lifts the filter', async () => {
    const { user } = setUp();
    await user.click(screen.getByTestId('model-evaluate'));
    await waitFor(() => expect(thumbs()).toHaveLength(6));
    const said = within(screen.getByRole('toolbar', { name: 'Model said filter' }));
    await user.click(said.getByRole('button', { name: '1' }));
    await waitFor(() => expect(thumbs().map((t) => t.dataset.label)).toEqual(['7', '7']));
    await user.click(said.getByRole('button', { name: 'any' }));
    await waitFor(() => expect(thumbs()).toHaveLength(6));
  });

  it('opens a mistake with its label and the network view for it: one explain call', async () => {
    const { calls, user } = setUp();
    await user.click(screen.getByTestId('model-evaluate'));
    await waitFor(() => expect(thumbs()).toHaveLength(6));
    await user.click(thumbs()[3]);
    await waitFor(() => expect(screen.getByTestId('model-sample-label').textContent).toBe('5'));
    await waitFor(() => expect(screen.getByTestId('network-view').dataset.label).toBe('9'));
    expect(calls['dataset:sample']).toEqual([{ split: 'test', index: 30 }]);
    expect(calls['model:explain']).toHaveLength(1);
  });

  it('after Evaluate the focus is on the result, three Tabs from the first mistake (issue 18, item 4)', async () => {
    const { user } = setUp();
    await user.click(screen.getByTestId('model-evaluate'));
    await waitFor(() => expect(thumbs()).toHaveLength(6));
    expect(document.activeElement).toBe(screen.getByTestId('evaluation-summary'));
    expect(document.activeElement!.textContent).toMatch(/6 mistakes/);
    await user.tab();
    expect(document.activeElement!.textContent).toBe('any');
    // Within a filter row the arrow keys move; Tab leaves it.
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement!.textContent).toBe('0');
    await user.tab();
    expect(document.activeElement!.closest('[role="toolbar"]')!.getAttribute('aria-label')).toBe('Model said filter');
    await user.tab();
    expect(document.activeElement).toBe(thumbs()[0]);
  });

  it('Enter on Evaluate keeps the focus on it while it runs, and leaves it where the person tabbed to (issue 29, item 2)', async () => {
    const { api } = setUp();
    let answer!: (value: ModelEvaluation) => void;
    api.handle('model:evaluate', () => new Promise<ModelEvaluation>((resolve) => (answer = resolve)));
    const user = userEvent.setup();
    screen.getByTestId('model-evaluate').focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.getByTestId('model-evaluate').textContent).toBe('Evaluating…'));
    // A disabled button loses the focus to the page in a browser: busy, it stays enabled and says so.
    expect((screen.getByTestId('model-evaluate') as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByTestId('model-evaluate').getAttribute('aria-disabled')).toBe('true');
    expect(document.activeElement).toBe(screen.getByTestId('model-evaluate'));
    await user.tab();
    const there = document.activeElement;
    expect(there).not.toBe(document.body);
    answer(evaluation());
    await waitFor(() => expect(thumbs()).toHaveLength(6));
    await tick();
    await tick();
    expect(document.activeElement).toBe(there);
  });

  it('clicking a mistake puts its number in the field and scrolls the network view into sight (issue 18, item 18)', async () => {
    scrolled.length = 0;
    const { user } = setUp();
    await user.click(screen.getByTestId('model-evaluate'));
    await waitFor(() => expect(thumbs()).toHaveLength(6));
    await user.click(thumbs()[3]);
    await waitFor(() => expect(screen.getByTestId('model-sample-label').textContent).toBe('5'));
    expect((screen.getByTestId('open-index') as HTMLInputElement).value).toBe('30');
    expect(screen.getByText('Test digit #30')).toBeTruthy();
    await waitFor(() => expect(scrolled).toContain(screen.getByTestId('model-sample').closest('.inside')));
  });
});
