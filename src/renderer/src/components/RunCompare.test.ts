// Runs side by side name their settings as people do (issue 18, item 8): "Learning rate", not learningRate.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunRecord } from '../../../shared/contract';
import { defaultSpec } from '../../../shared/spec';
import { StudioState } from '../lib/studio.svelte';
import { fakeCanvas } from '../testing/canvas';
import { fakeEngine } from '../testing/fake-api';
import { evaluationOf, runRecord } from '../testing/records';
import RunCompare from './RunCompare.svelte';

beforeAll(fakeCanvas);
vi.mock('./LineChart.svelte', async () => ({ default: (await import('../testing/Empty.svelte')).default }));

const run = (id: string, name: string, extra: Partial<RunRecord> = {}): RunRecord => runRecord(id, { name, ...extra });

describe('runs side by side', () => {
  it('names the settings that differ in plain words', async () => {
    const base = defaultSpec();
    const runs = [
      run('20261128-100000-aaaa', 'baseline'),
      run('20261128-110000-bbbb', 'small', {
        spec: { ...base, learningRate: 0.01, conv: [{ ...base.conv[0], kernelSize: 3 }, base.conv[1]] },
        trainLimit: 3000,
      }),
    ];
    const api = fakeEngine();
    api.handle('runs:list', () => runs);
    api.handle('runs:metrics', () => ({ batches: [], epochs: [] }));
    const studio = new StudioState(api);
    await studio.load();
    render(RunCompare, { studio });
    const user = userEvent.setup();
    await user.click(screen.getByLabelText('baseline (aaaa)'));
    await user.click(screen.getByLabelText('small (bbbb)'));
    const rows = within(screen.getByTestId('compare-table')).getAllByRole('row');
    const names = rows.filter((row) => row.classList.contains('differs')).map((row) => row.querySelector('th')!.textContent);
    expect(names).toEqual(['Learning rate', 'Conv layer 1 · kernel size', 'Training samples']);
  });

  it('measures each run on a data set of the person’s when asked (issue 31)', async () => {
    const runs = [run('20261128-100000-aaaa', 'baseline'), run('20261128-110000-bbbb', 'small')];
    const api = fakeEngine();
    api.handle('runs:list', () => runs);
    api.handle('runs:metrics', () => ({ batches: [], epochs: [] }));
    api.handle('datasets:list', () => ({
      sets: [{ name: 'class 3B', count: 40, perDigit: Array(10).fill(4), updatedAt: '2026-12-06T22:00:00.000Z' }],
      unreadable: [],
    }));
    api.handle('datasets:evaluate', (payload) => {
      const { run: id } = payload as { run: string };
      return { ...evaluationOf([[id.endsWith('aaaa') ? 9 : 7, 1]]), accuracy: id.endsWith('aaaa') ? 0.9 : 0.875, set: 'class 3B', files: [] };
    });
    const studio = new StudioState(api);
    await studio.load();
    await studio.sets.load();
    render(RunCompare, { studio });
    const user = userEvent.setup();
    await user.click(screen.getByLabelText('baseline (aaaa)'));
    await user.click(screen.getByLabelText('small (bbbb)'));
    const row = screen.getByTestId('compare-set');
    expect(
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['—', '—']);
    expect(api.count('datasets:evaluate')).toBe(0);
    await user.click(within(row).getByRole('button', { name: 'Measure every run on “class 3B”' }));
    await waitFor(() =>
      expect(
        within(row)
          .getAllByRole('cell')
          .map((c) => c.textContent),
      ).toEqual(['90.00%', '87.50%']),
    );
    expect(api.payloads['datasets:evaluate']).toEqual([
      { name: 'class 3B', run: '20261128-100000-aaaa' },
      { name: 'class 3B', run: '20261128-110000-bbbb' },
    ]);
    expect(within(row).queryByRole('button')).toBeNull();
  });

  it('ten runs: ten colours, all ten in one legend (issue 29, item 5)', async () => {
    const runs = Array.from({ length: 10 }, (_, i) => run(`20261128-1${i}0000-aa${i}a`, `run ${i}`));
    const api = fakeEngine();
    api.handle('runs:list', () => runs);
    api.handle('runs:metrics', () => ({ batches: [], epochs: [] }));
    const studio = new StudioState(api);
    await studio.load();
    render(RunCompare, { studio });
    const user = userEvent.setup();
    for (let i = 0; i < 10; i++) await user.click(screen.getByLabelText(`run ${i} (aa${i}a)`));
    const legend = within(screen.getByTestId('compare-legend'));
    const entries = legend.getAllByRole('listitem').filter((item) => item.dataset.color);
    expect(entries.map((item) => item.textContent)).toEqual(runs.map((r) => r.name));
    expect(new Set(entries.map((item) => item.dataset.color)).size).toBe(10);
  });
});
