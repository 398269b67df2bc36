// Issue 31, item 3 in the window: a new run trains with a data set beside MNIST or alone, validated on its own
// held-out share; fine-tuning takes a data set as it takes my digits.
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { StudioState } from '../lib/studio.svelte';
import { studioContext } from '../lib/context';
import { fakeCanvas } from '../testing/canvas';
import { fakeEngine } from '../testing/fake-api';
import TrainingView from './TrainingView.svelte';

beforeAll(fakeCanvas);
vi.mock('../components/LineChart.svelte', async () => ({ default: (await import('../testing/Empty.svelte')).default }));

function setUp() {
  const api = fakeEngine();
  api.handle('datasets:list', () => ({
    sets: [
      { name: 'class 3B', count: 400, perDigit: Array(10).fill(40), updatedAt: '2026-12-06T22:00:00.000Z' },
      { name: 'tiny', count: 4, perDigit: [1, 1, 1, 1, 0, 0, 0, 0, 0, 0], updatedAt: '2026-12-06T22:00:00.000Z' },
    ],
    unreadable: [],
  }));
  api.handle('training:start', () => ({ runId: '20261206-220000-aaaa' }));
  api.handle('training:finetune', () => ({ runId: '20261206-220000-bbbb' }));
  api.handle('runs:list', () => []);
  const studio = new StudioState(api);
  render(TrainingView, { context: studioContext(studio) });
  return { api, studio, user: userEvent.setup() };
}

describe('training with a data set', () => {
  it('sends the data set, with or without MNIST, and its validation share, with the form’s spec', async () => {
    const { api, studio, user } = setUp();
    await user.selectOptions(await screen.findByTestId('own-data-set'), 'class 3B');
    await user.click(screen.getByTestId('own-data-mnist'));
    const share = screen.getByTestId('own-data-validation');
    await user.clear(share);
    await user.type(share, '0.9');
    expect(screen.getByText('Validation share: Too big: expected number to be <=0.5')).toBeTruthy();
    expect((screen.getByTestId('start') as HTMLButtonElement).disabled).toBe(true);
    await user.clear(share);
    await user.type(share, '0.3');
    // The estimate counts what trains: the 280 images left after the 30% held out, without MNIST's 60,000.
    expect(studio.estimate.samples).toBe(280);
    await user.click(screen.getByTestId('start'));
    await waitFor(() => expect(api.count('training:start')).toBe(1));
    expect(api.payloads['training:start']![0]).toMatchObject({ ownData: { set: 'class 3B', mnist: false, validation: 0.3 } });
  });

  it('sends no data set for MNIST only', async () => {
    const { api, user } = setUp();
    await screen.findByTestId('own-data-set');
    await user.click(screen.getByTestId('start'));
    await waitFor(() => expect(api.count('training:start')).toBe(1));
    expect(api.payloads['training:start']![0]).not.toHaveProperty('ownData');
  });

  it('fine-tunes on a data set as on my digits, and says when it is too small', async () => {
    const { api, user } = setUp();
    const source = await screen.findByTestId('finetune-source');
    await user.selectOptions(source, 'tiny');
    expect(screen.getByTestId('finetune-why').textContent).toBe('Fine-tuning needs at least 10 images; “tiny” has 4.');
    await user.selectOptions(source, 'class 3B');
    const start = screen.getByTestId('finetune-start');
    expect(start.textContent).toBe('Fine-tune on “class 3B”');
    await user.click(start);
    await waitFor(() => expect(api.count('training:finetune')).toBe(1));
    expect(api.payloads['training:finetune']![0]).toMatchObject({ set: 'class 3B' });
  });
});
