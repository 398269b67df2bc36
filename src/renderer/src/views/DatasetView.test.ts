// The Dataset place against a fake engine: how many requests each action causes, and what is on screen.
import { describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { DatasetSample } from '../../../shared/contract';
import DatasetView from './DatasetView.svelte';
import { StudioState } from '../lib/studio.svelte';
import { fakeEngine, held, sureOf, type FakeApi } from '../testing/fake-api';

async function setUp(api: FakeApi = fakeEngine()) {
  const studio = new StudioState(api);
  await studio.load();
  render(DatasetView, { studio });
  await waitFor(() => expect(screen.getByTestId('grid-total').dataset.total).toBe('1000'));
  return { api, studio, user: userEvent.setup() };
}

describe('DatasetView', () => {
  it('opening a sample sends exactly one dataset:sample and shows it, and nothing more follows', async () => {
    const { api, user } = await setUp();
    await user.click(screen.getByRole('button', { name: 'Open the first 3' }));
    await screen.findByText('Sample #7');
    await api.settled();
    expect(api.count('dataset:sample')).toBe(1);
    expect(screen.getByTestId('sample-label').textContent).toBe('7');
  });

  it('a model:changed while a sample is open asks exactly once more and shows the new opinion', async () => {
    const { api, user } = await setUp();
    await user.click(screen.getByRole('button', { name: 'Open the first 3' }));
    await screen.findByText('Sample #7');
    api.handle('dataset:sample', (payload) => ({ ...(payload as { split: 'train'; index: number }), label: 7, pixels: '', prediction: sureOf(1) }));
    api.emit('model:changed', { id: 'run-1', label: 'run 1', testAccuracy: 0.9 });
    await waitFor(() => expect(screen.getByText('model says', { exact: false }).querySelector('strong.wrong')?.textContent).toBe('1'));
    // Once every reply is in and handled, no third request followed.
    await api.settled();
    expect(api.count('dataset:sample')).toBe(2);
  });

  it('a model:changed with no sample open asks nothing', async () => {
    const { api } = await setUp();
    api.emit('model:changed', { id: 'run-1', label: 'run 1', testAccuracy: 0.9 });
    await api.settled();
    expect(api.count('dataset:sample')).toBe(0);
  });

  it('a stale reply arriving after a newer one is dropped', async () => {
    const api = fakeEngine();
    const replies = new Map<number, ReturnType<typeof held<DatasetSample>>>();
    api.handle('dataset:sample', (payload) => {
      const reply = held<DatasetSample>();
      replies.set((payload as { index: number }).index, reply);
      return reply.promise;
    });
    const { user } = await setUp(api);
    await user.click(screen.getByRole('button', { name: 'Open the first 0' }));
    await user.click(screen.getByRole('button', { name: 'Open the first 1' }));
    const sample = (index: number): DatasetSample => ({ split: 'train', index, label: index % 10, pixels: '', prediction: sureOf(index % 10) });
    replies.get(3)!.resolve(sample(3));
    await screen.findByText('Sample #3');
    replies.get(1)!.resolve(sample(1));
    await api.settled();
    expect(screen.getByText('Sample #3')).toBeTruthy();
    expect(screen.queryByText('Sample #1')).toBeNull();
  });

  it('a training digit opened from another place is scrolled into view in the grid (issue 29, item 14)', async () => {
    const { studio } = await setUp();
    studio.openSample('train', 900);
    await screen.findByText('Sample #900');
    const grid = screen.getByTestId('thumb-grid');
    // Row 900 / columns, somewhere below the first screen: the grid was left at its top before.
    await waitFor(() => expect(grid.scrollTop).toBeGreaterThan(0));
  });

  it('the grid has the whole width until a sample is open (issue 29, item 16)', async () => {
    const { user } = await setUp();
    expect(screen.getByTestId('sample-view').hidden).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Open the first 3' }));
    await screen.findByText('Sample #7');
    expect(screen.getByTestId('sample-view').hidden).toBe(false);
  });

  it('filter buttons say which is on with aria-pressed, not colour alone', async () => {
    const { user } = await setUp();
    const seven = screen.getByRole('button', { name: '7 only' });
    expect(seven.getAttribute('aria-pressed')).toBe('false');
    expect(screen.getByRole('button', { name: 'All' }).getAttribute('aria-pressed')).toBe('true');
    await user.click(seven);
    expect(seven.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('button', { name: 'All' }).getAttribute('aria-pressed')).toBe('false');
  });

  it('the thumbnail grid works from the keyboard: arrows move, Enter opens', async () => {
    const { api, user } = await setUp();
    const grid = screen.getByTestId('thumb-grid');
    await waitFor(() => expect(Number(grid.dataset.loaded)).toBeGreaterThan(0));
    grid.focus();
    // The first arrow puts the ring on the first thumbnail.
    await user.keyboard('{ArrowRight}{ArrowRight}{ArrowRight}{ArrowLeft}');
    expect(grid.dataset.focused).toBe('1');
    await user.keyboard('{Enter}');
    await screen.findByText('Sample #1');
    expect(api.count('dataset:sample')).toBe(1);
  });
});
