// My digits in the Dataset place: the grid newest first, relabel and delete each one request that updates the
// grid, the empty state, and the IDX pair in and out.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MyDigit } from '../../../shared/digits';
import { PIXELS } from '../../../shared/mnist';
import { StudioState } from '../lib/studio.svelte';
import { fakeCanvas } from '../testing/canvas';
import { fakeEngine } from '../testing/fake-api';
import DatasetView from '../views/DatasetView.svelte';
import MyDigits from './MyDigits.svelte';

beforeAll(fakeCanvas);
afterEach(() => vi.restoreAllMocks());

const digit = (n: number, label: number): MyDigit => ({ id: `d-00000000000${n}`, label, createdAt: `2026-11-28T1${n}:00:00Z` });

function setUp(digits: MyDigit[], answer = true) {
  const api = fakeEngine();
  let held = [...digits];
  api.handle('digits:list', () => ({ total: held.length, digits: held, pixels: btoa('\0'.repeat(held.length * PIXELS)) }));
  api.handle('digits:relabel', (payload) => {
    const { id, label } = payload as { id: string; label: number };
    return { ...held.find((d) => d.id === id)!, label };
  });
  api.handle('digits:delete', (payload) => {
    held = held.filter((d) => d.id !== (payload as { id: string }).id);
    return { deleted: true };
  });
  const questions: string[] = [];
  const studio = new StudioState(api, (question) => (questions.push(question), answer));
  return { api, studio, questions, add: (more: MyDigit[]) => (held = [...more, ...held]) };
}

async function shown(digits: MyDigit[], answer = true) {
  const context = setUp(digits, answer);
  await context.studio.digits.load();
  render(MyDigits, { digits: context.studio.digits });
  return context;
}

const tiles = () => screen.queryAllByTestId('my-digit');

describe('MyDigits', () => {
  it('shows every digit newest first, each with its label', async () => {
    await shown([digit(1, 4), digit(3, 7), digit(2, 0)]);
    expect(tiles().map((t) => t.dataset.id)).toEqual(['d-000000000003', 'd-000000000002', 'd-000000000001']);
    expect(tiles().map((t) => (within(t).getByRole('combobox') as HTMLSelectElement).value)).toEqual(['7', '0', '4']);
    expect(screen.getByRole('heading').textContent).toContain('(3, newest first)');
  });

  it('a large collection is drawn a page of tiles at a time', async () => {
    await shown(
      Array.from({ length: 500 }, (_, i) => ({ id: `d-${String(i).padStart(12, '0')}`, label: i % 10, createdAt: '2026-11-28T19:00:00Z' })),
    );
    expect(tiles()).toHaveLength(240);
    await userEvent.click(screen.getByRole('button', { name: 'Show 240 more (of 500)' }));
    expect(tiles()).toHaveLength(480);
    await userEvent.click(screen.getByRole('button', { name: 'Show 20 more (of 500)' }));
    expect(tiles()).toHaveLength(500);
    expect(screen.queryByTestId('more-digits')).toBeNull();
  });

  it('relabel sends exactly one request and updates the grid', async () => {
    const { api } = await shown([digit(1, 4), digit(2, 7)]);
    const select = within(tiles()[0]).getByRole('combobox', { name: /Label of the digit saved/ });
    await userEvent.selectOptions(select, '1');
    expect(api.count('digits:relabel')).toBe(1);
    expect(api.payloads['digits:relabel']![0]).toEqual({ id: 'd-000000000002', label: 1 });
    await waitFor(() => expect(tiles()[0].dataset.label).toBe('1'));
    expect(api.count('digits:list')).toBe(1);
    expect(screen.getByTestId('digits-status').textContent).toContain('Relabelled as 1.');
  });

  it('delete asks first, sends one request and takes the tile away; a no sends nothing', async () => {
    const { api, questions } = await shown([digit(1, 4), digit(2, 7)]);
    await userEvent.click(screen.getByRole('button', { name: /^Delete the 7 saved/ }));
    expect(questions).toEqual(['Delete this 7 from My digits? This cannot be undone.']);
    expect(api.count('digits:delete')).toBe(1);
    await waitFor(() => expect(tiles().map((t) => t.dataset.id)).toEqual(['d-000000000001']));
  });

  it('delete answered no sends nothing and keeps the tile', async () => {
    const { api } = await shown([digit(1, 4)], false);
    await userEvent.click(screen.getByRole('button', { name: /^Delete the 4 saved/ }));
    expect(api.count('digits:delete')).toBe(0);
    expect(tiles()).toHaveLength(1);
  });

  it('files the engine could not read are listed, one line each', async () => {
    const { api, studio } = setUp([digit(1, 4)]);
    api.handle('digits:list', () => ({ total: 0, digits: [], pixels: '', unreadable: ['d-0000000000aa.json: not JSON'] }));
    await studio.digits.load();
    render(MyDigits, { digits: studio.digits });
    expect(screen.getByTestId('digits-unreadable').textContent).toContain('1 saved file could not be read');
    expect(screen.getByTestId('digits-unreadable').textContent).toContain('d-0000000000aa.json: not JSON');
  });

  it('an empty collection explains how to add digits', async () => {
    await shown([]);
    expect(screen.getByTestId('my-digits-empty').textContent).toMatch(/In the Draw place, draw a digit, then click its true digit/);
    expect((screen.getByTestId('export-digits') as HTMLButtonElement).disabled).toBe(true);
  });

  it('a failed relabel is named and the label stays', async () => {
    const { api } = await shown([digit(1, 4)]);
    api.handle('digits:relabel', () => Promise.reject(new Error('d-000000000001 is not in My digits')));
    await userEvent.selectOptions(within(tiles()[0]).getByRole('combobox'), '9');
    expect((await screen.findByRole('alert')).textContent).toBe('Could not relabel: d-000000000001 is not in My digits');
    expect(tiles()[0].dataset.label).toBe('4');
  });

  it('Export downloads the two IDX files under their documented names', async () => {
    const { api } = await shown([digit(1, 4)]);
    api.handle('digits:export', () => ({ images: btoa('\0\0\x08\x03rest'), labels: btoa('\0\0\x08\x01rest') }));
    const names: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    URL.createObjectURL = vi.fn(() => 'blob:fake');
    URL.revokeObjectURL = vi.fn();
    await userEvent.click(screen.getByTestId('export-digits'));
    expect(api.count('digits:export')).toBe(1);
    expect(names).toEqual(['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']);
  });

  it('Import takes the two files in either order, sends one request, reads the list again and says how many were added', async () => {
    const { api, add } = await shown([digit(1, 4)]);
    api.handle('digits:import', (payload) => {
      const { images, labels } = payload as { images: string; labels: string };
      expect(atob(images).charCodeAt(3)).toBe(3);
      expect(atob(labels).charCodeAt(3)).toBe(1);
      add([digit(5, 2), digit(6, 3)]);
      return { added: 2, skipped: 0 };
    });
    const labels = new File([new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 2, 3])], 'labels.bin');
    const images = new File([new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28, ...new Uint8Array(2 * PIXELS)])], 'whatever');
    await userEvent.upload(screen.getByTestId('import-digits'), [labels, images]);
    await waitFor(() => expect(screen.getByTestId('digits-status').textContent).toContain('Imported 2 digits into My digits.'));
    expect(api.count('digits:import')).toBe(1);
    expect(api.count('digits:list')).toBe(2);
    expect(tiles()).toHaveLength(3);
  });

  it('Import of files that are not an IDX pair is refused with the file named, and nothing is sent', async () => {
    const { api } = await shown([digit(1, 4)]);
    const photo = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'photo.png');
    const labels = new File([new Uint8Array([0, 0, 8, 1, 0, 0, 0, 0])], 'labels');
    await userEvent.upload(screen.getByTestId('import-digits'), [photo, labels]);
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Could not import: photo.png is not an IDX file of unsigned bytes with 3 (images) or 1 (labels) dimensions.',
    );
    await userEvent.upload(screen.getByTestId('import-digits'), [labels]);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/choose two files, the IDX images and the IDX labels \(you chose 1\)/));
    expect(api.count('digits:import')).toBe(0);
  });
});

describe('DatasetView with My digits', () => {
  it('My digits is a third source beside train and test: choosing it reads the list once and shows it, with a way to fine-tune', async () => {
    const { api, studio } = setUp([digit(1, 4), digit(2, 7)]);
    render(DatasetView, { studio });
    const sources = screen.getByRole('group', { name: 'Source' });
    await userEvent.click(within(sources).getByRole('button', { name: /^My digits/ }));
    expect(api.count('digits:list')).toBe(1);
    await waitFor(() => expect(tiles()).toHaveLength(2));
    expect(within(sources).getByRole('button', { name: 'My digits (2)' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.queryByRole('group', { name: 'Label filter' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Fine-tune on these…' }));
    expect(studio.place).toBe('training');
    await userEvent.click(within(sources).getByRole('button', { name: /^Test/ }));
    expect(screen.queryByTestId('my-digits')).toBeNull();
  });
});
