// Issue 31 in the window: a picked folder imported as a data set with progress, its report naming the files
// skipped; the set beside Train, Test and My digits with the same grid, filter, sample view and mistakes.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DataSetEntry, StagedImport } from '../../../shared/datasets';
import type { InvokeOutputs } from '../../../shared/contract';
import { StudioState } from '../lib/studio.svelte';
import { fakeCanvas } from '../testing/canvas';
import { fakeEngine, held, sureOf } from '../testing/fake-api';
import DatasetView from './DatasetView.svelte';

beforeAll(fakeCanvas);
afterEach(cleanup);

/** A file as `<input webkitdirectory>` gives it: its path inside the picked folder's parent. */
function picked(path: string, bytes = 10): File {
  const file = new File([new Uint8Array(bytes)], path.split('/').pop()!);
  Object.defineProperty(file, 'webkitRelativePath', { value: path });
  return file;
}

async function setUp(initial: DataSetEntry[] = []) {
  const api = fakeEngine();
  let sets = initial;
  api.handle('datasets:list', () => ({ sets, unreadable: [] }));
  const studio = new StudioState(api);
  await studio.load();
  render(DatasetView, { studio });
  return { api, user: userEvent.setup(), setSets: (next: DataSetEntry[]) => (sets = next) };
}

describe('data sets in the Dataset place', () => {
  it('imports a picked folder in batches with progress, reports it, and shows it', async () => {
    const { api, setSets } = await setUp();
    const stage = held<StagedImport>();
    api.handle('datasets:stage', () => stage.promise);
    api.handle('datasets:commit', (payload) => {
      setSets([{ name: 'scans', count: 2, perDigit: [0, 0, 0, 1, 0, 0, 0, 1, 0, 0], updatedAt: '2026-12-06T22:00:00.000Z' }]);
      expect(payload).toEqual({ ticket: '0123456789abcdef', name: 'scans', source: 'scans' });
      return { name: 'scans', samples: 2, added: 2, duplicates: 0, count: 2, skipped: [{ file: '3/notes.txt', reason: 'not a PNG or JPEG image' }] };
    });
    api.handle('dataset:page', (payload) => {
      const { split, offset } = payload as { split: string; offset: number };
      expect(split).toBe('set:scans');
      return { total: 2, offset, indices: [0, 1].slice(offset), labels: [3, 7].slice(offset), pixels: btoa('\0'.repeat(784 * (2 - offset))) };
    });
    const input = screen.getByTestId('import-folder-input') as HTMLInputElement;
    Object.defineProperty(input, 'files', { value: [picked('scans/3/a.png'), picked('scans/3/notes.txt'), picked('scans/7/b.jpg')] });
    await fireEvent.change(input);
    // The files go as they are, paths inside the folder; the window shows how far it is meanwhile.
    const progress = await screen.findByRole('progressbar', { name: 'Files read' });
    expect(progress.getAttribute('max')).toBe('3');
    await waitFor(() => expect(api.count('datasets:stage')).toBe(1));
    expect(api.payloads['datasets:stage']).toEqual([
      {
        files: [
          { path: '3/a.png', base64: btoa('\0'.repeat(10)) },
          { path: '3/notes.txt', base64: btoa('\0'.repeat(10)) },
          { path: '7/b.jpg', base64: btoa('\0'.repeat(10)) },
        ],
      },
    ]);
    stage.resolve({ ticket: '0123456789abcdef', read: 2, skipped: 1 });
    expect((await screen.findByTestId('import-folder-report')).textContent).toBe('2 images added to “scans” (2 in all), 1 file skipped.');
    expect(screen.getByTestId('import-folder-skipped').textContent).toContain('3/notes.txt: not a PNG or JPEG image');
    const source = await screen.findByRole('button', { name: 'scans (2)' });
    expect(source.getAttribute('aria-pressed')).toBe('true');
    await waitFor(() => expect(screen.getByTestId('grid-total').dataset.total).toBe('2'));
  });

  it('opens a sample with its file, and marks the mistakes from an evaluation of the set', async () => {
    const { api, user } = await setUp([{ name: 'class 3B', count: 20, perDigit: Array(10).fill(2), updatedAt: '2026-12-06T22:00:00.000Z' }]);
    api.handle('dataset:page', (payload) => {
      const { offset, limit, label } = payload as { offset: number; limit: number; label?: number };
      const matching = Array.from({ length: 20 }, (_, i) => i).filter((i) => label === undefined || i % 10 === label);
      const indices = matching.slice(offset, offset + limit);
      return { total: matching.length, offset, indices, labels: indices.map((i) => i % 10), pixels: btoa('\0'.repeat(784 * indices.length)) };
    });
    api.handle('dataset:sample', (payload) => {
      const { split, index } = payload as { split: 'set:class 3B'; index: number };
      return {
        split,
        index,
        label: index % 10,
        file: `${index % 10}/scan-${index}.png`,
        pixels: btoa('\0'.repeat(784)),
        prediction: sureOf(index % 10),
      };
    });
    const evaluation: InvokeOutputs['datasets:evaluate'] = {
      loss: 0.3,
      accuracy: 0.9,
      confusion: [],
      perClassAccuracy: [],
      perClass: [],
      errors: [{ index: 4, label: 4, predicted: 9, probability: 0.8 }],
      count: 20,
      model: { id: 'bundled', label: 'bundled LeNet-5', testAccuracy: 0.99 },
      set: 'class 3B',
      files: [],
    };
    api.handle('datasets:evaluate', () => evaluation);
    await user.click(await screen.findByRole('button', { name: 'class 3B (20)' }));
    await user.click(await screen.findByRole('button', { name: 'Open the first 3' }));
    expect((await screen.findByTestId('sample-file')).textContent).toBe('3/scan-3.png: the 28×28 the model sees');
    expect(screen.getByRole('heading', { name: 'Sample #3 of class 3B' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: "Mark the model's mistakes" }));
    expect((await screen.findByTestId('mistakes-count')).textContent).toBe(
      '1 of the 20 images of “class 3B” the model reads wrong, marked with a red corner.',
    );
    expect(api.payloads['datasets:evaluate']).toEqual([{ name: 'class 3B' }]);
    expect(api.count('model:evaluate')).toBe(0);
    await waitFor(() => expect(screen.getByTestId('thumb-grid').dataset.marked).toBe('4'));
  });
});
