// Issue 31, item 2 in the window: the Model place evaluates the active model on a data set chosen instead of
// MNIST's test split: its confusion matrix, per-class figures and mistakes, each mistake opened from the set.
import { cleanup, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InvokeOutputs } from '../../../shared/contract';
import { PIXELS } from '../../../shared/mnist';
import { StudioState } from '../lib/studio.svelte';
import { fakeCanvas } from '../testing/canvas';
import { fakeEngine, sureOf } from '../testing/fake-api';
import { evaluationOf } from '../testing/records';
import ModelView from './ModelView.svelte';

beforeAll(fakeCanvas);
beforeAll(() => {
  Element.prototype.scrollIntoView = () => undefined;
});
afterEach(cleanup);

describe('the Model place on a data set', () => {
  it('evaluates on the chosen data set and opens its mistakes from it', async () => {
    const api = fakeEngine();
    api.handle('datasets:list', () => ({
      sets: [{ name: 'class 3B', count: 40, perDigit: Array(10).fill(4), updatedAt: '2026-12-06T22:00:00.000Z' }],
      unreadable: [],
    }));
    const confusion = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p): number => (t === p ? 4 : 0)));
    confusion[4][4] = 3;
    confusion[4][9] = 1;
    const evaluation: InvokeOutputs['datasets:evaluate'] = {
      ...evaluationOf(confusion, [{ index: 14, label: 4, predicted: 9, probability: 0.9 }]),
      set: 'class 3B',
      files: [],
    };
    api.handle('datasets:evaluate', () => evaluation);
    api.handle('dataset:samples', ({ indices }: { indices: number[] }) => ({
      indices,
      labels: indices.map(() => 4),
      pixels: btoa('\0'.repeat(PIXELS * indices.length)),
    }));
    api.handle('dataset:sample', ({ split, index }) => ({
      split,
      index,
      label: 4,
      file: '4/sheet-2.png',
      pixels: btoa('\0'.repeat(PIXELS)),
      prediction: sureOf(9),
    }));
    api.handle('model:explain', () => ({
      label: 9,
      probabilities: new Array(10).fill(0.1),
      layers: [],
      saliency: new Array(PIXELS).fill(0),
      saliencyMethod: 'gradient × input',
    }));
    api.handle('model:filters', () => []);
    const studio = new StudioState(api);
    await studio.load();
    render(ModelView, { studio });
    const user = userEvent.setup();
    await user.selectOptions(await screen.findByTestId('evaluate-source'), 'set:class 3B');
    expect(screen.getByRole('heading', { level: 2, name: /Active model on “class 3B”/ })).toBeTruthy();
    await user.click(screen.getByTestId('model-evaluate'));
    expect((await screen.findByTestId('evaluation-summary')).textContent).toMatch(/97\.50% of 40 images of “class 3B” right:\s+1 mistakes/);
    expect(api.payloads['datasets:evaluate']).toEqual([{ name: 'class 3B' }]);
    expect(api.count('model:evaluate')).toBe(0);
    await waitFor(() => expect(screen.queryAllByTestId('error-thumb')).toHaveLength(1));
    expect(api.payloads['dataset:samples']).toEqual([{ split: 'set:class 3B', indices: [14] }]);
    await user.click(screen.getByTestId('error-thumb'));
    expect(await screen.findByRole('heading', { name: 'class 3B image #14' })).toBeTruthy();
    expect(screen.getByText('4/sheet-2.png')).toBeTruthy();
    // Back to MNIST's test split: that evaluation is asked for on its own.
    await user.selectOptions(screen.getByTestId('evaluate-source'), 'test');
    expect(screen.queryByTestId('evaluation-summary')).toBeNull();
  });
});
