// The Training place's parts for issue 10: augmentation in the editor with its preview, and fine-tuning on
// my digits with its before/after table.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultAugment } from '../../../shared/augment';
import type { DatasetSamples } from '../../../shared/contract';
import { MIN_FINETUNE_DIGITS, type FinetuneReport, type MyDigit } from '../../../shared/digits';
import { PIXELS } from '../../../shared/mnist';
import { defaultSpec } from '../../../shared/spec';
import type { RunRecord } from '../../../shared/types';
import { StudioState } from '../lib/studio.svelte';
import { studioContext } from '../lib/context';
import { fakeCanvas } from '../testing/canvas';
import { fakeEngine } from '../testing/fake-api';
import TrainingView from './TrainingView.svelte';

beforeAll(fakeCanvas);
// Chart.js needs a laid-out page; the charts are not what these tests are about.
vi.mock('../components/LineChart.svelte', async () => ({ default: (await import('../testing/Empty.svelte')).default }));

const samples = (count: number): DatasetSamples => ({
  indices: Array.from({ length: count }, (_, i) => i),
  labels: Array.from({ length: count }, (_, i) => i % 10),
  pixels: btoa(String.fromCharCode(...new Uint8Array(count * PIXELS))),
});
const myDigits = (n: number): MyDigit[] =>
  Array.from({ length: n }, (_, i) => ({ id: `d-${String(i).padStart(12, '0')}`, label: i % 10, createdAt: '2026-11-28T19:00:00Z' }));

function setUp(digits = 0) {
  const api = fakeEngine();
  api.handle('digits:list', () => ({
    total: digits,
    digits: myDigits(digits),
    pixels: btoa(String.fromCharCode(...new Uint8Array(digits * PIXELS))),
  }));
  api.handle('training:augmentPreview', (payload) => samples((payload as { count: number }).count));
  const studio = new StudioState(api);
  render(TrainingView, { context: studioContext(studio) });
  return { api, studio };
}

describe('augmentation in the model editor', () => {
  it('is off by default; the toggle turns it on with the suggested ranges, six labelled fields with their limits', async () => {
    const { studio } = setUp();
    const toggle = screen.getByRole('checkbox', { name: 'Augment training digits' }) as HTMLInputElement;
    expect(toggle.checked).toBe(false);
    expect(studio.spec.augment).toBeUndefined();
    expect(screen.queryByTestId('augment-preview')).toBeNull();
    await userEvent.click(toggle);
    expect(studio.spec.augment).toEqual(defaultAugment());
    const fields = within(screen.getByTestId('augment')).getAllByRole('spinbutton');
    expect(fields.map((f) => f.closest('label')!.querySelector('span')!.textContent)).toEqual([
      'shift (pixels), 0–6',
      'rotation (°), 0–45',
      'scale (±fraction), 0–0.5',
      'shear (°), 0–30',
      'stroke thickness (pixels), 0–2',
      'elastic distortion (pixels), 0–8',
    ]);
    await userEvent.click(toggle);
    expect(studio.spec.augment).toBeUndefined();
    expect(within(screen.getByTestId('augment')).queryAllByRole('spinbutton')).toHaveLength(0);
  });

  it('a range beyond its limit is named beside its field and in the summary, and Start is disabled', async () => {
    const { studio } = setUp();
    await userEvent.click(screen.getByRole('checkbox', { name: 'Augment training digits' }));
    const rotation = screen.getByRole('spinbutton', { name: /^rotation/ });
    await userEvent.clear(rotation);
    await userEvent.type(rotation, '90');
    expect(studio.spec.augment?.rotation).toBe(90);
    await waitFor(() => expect(rotation.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(rotation.getAttribute('aria-describedby')!)!.textContent).toBe('must be at most 45°');
    expect(screen.getByTestId('spec-issues').textContent).toContain('Augmentation · rotation (°)');
    expect((screen.getByTestId('start') as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('the augmentation preview', () => {
  it('turning augmentation on draws one batch with the ranges and a seed; Another batch asks once more with a new seed', async () => {
    const { api } = setUp();
    await userEvent.click(screen.getByRole('checkbox', { name: 'Augment training digits' }));
    const preview = await screen.findByTestId('augment-preview');
    // The preview waits for the ranges to rest before asking.
    await waitFor(() => expect(preview.dataset.count).toBe('24'), { timeout: 10_000 });
    expect(api.count('training:augmentPreview')).toBe(1);
    const first = api.payloads['training:augmentPreview']![0] as { augment: unknown; seed: number; count: number };
    expect(first.augment).toEqual(defaultAugment());
    expect(within(preview).getAllByRole('listitem')).toHaveLength(24);
    await userEvent.click(screen.getByRole('button', { name: 'Another batch' }));
    expect(api.count('training:augmentPreview')).toBe(2);
    const second = api.payloads['training:augmentPreview']![1] as { seed: number };
    expect(second.seed).not.toBe(first.seed);
    expect(preview.dataset.seed).toBe(String(second.seed));
  });

  it('the reading recipe asks for its generated pieces too (issue 25)', async () => {
    const { api } = setUp();
    await userEvent.click(screen.getByRole('radio', { name: 'Reading model' }));
    await screen.findByTestId('augment-preview');
    await waitFor(() => expect(api.count('training:augmentPreview')).toBe(1), { timeout: 10_000 });
    expect((api.payloads['training:augmentPreview']![0] as { reading?: boolean }).reading).toBe(true);
  });
});

const report = (): FinetuneReport => ({
  from: 'bundled',
  trained: 15,
  heldOut: 5,
  before: { mine: 0.6, mnist: 0.9893 },
  after: { mine: 1, mnist: 0.9871 },
});

function finetuneRun(): RunRecord {
  return {
    id: '20261128-200000-abcd',
    createdAt: '2026-11-28T20:00:00Z',
    status: 'done',
    spec: { ...defaultSpec(), epochs: 3, learningRate: 0.0001 },
    epochsDone: 3,
    checkpoint: 'ckpt-0003-0001',
    last: { epoch: 3, loss: 0.05, accuracy: 0.99, valLoss: 0.04, valAccuracy: 0.9871, seconds: 10, samplesPerSecond: 5000 },
    finetune: report(),
  } as RunRecord;
}

describe('fine-tune on my digits', () => {
  it(`is disabled with the reason while there are fewer than ${MIN_FINETUNE_DIGITS} of my digits`, async () => {
    const { api } = setUp(MIN_FINETUNE_DIGITS - 1);
    const start = screen.getByTestId('finetune-start') as HTMLButtonElement;
    await waitFor(() =>
      expect(screen.getByTestId('finetune-why').textContent).toBe(
        `Fine-tuning needs at least ${MIN_FINETUNE_DIGITS} of my digits; you have ${MIN_FINETUNE_DIGITS - 1}. Save more in the Draw place.`,
      ),
    );
    expect(start.disabled).toBe(true);
    await userEvent.click(start);
    expect(api.count('training:finetune')).toBe(0);
  });

  it('says how many of my digits the held-out share holds out, and the rule (issue 29, item 12)', async () => {
    setUp(20);
    // Two of each digit: 25% rounds to none, and at least one of each is held out: 10 of 20.
    await waitFor(() => expect(screen.getByTestId('finetune-held').textContent).toMatch(/Holds out 10 of 20 .*at least one/));
  });

  it('starts one fine-tune run with the defaults and follows it as a training run; the result shows before and after', async () => {
    const { api, studio } = setUp(20);
    let runs: RunRecord[] = [];
    api.handle('runs:list', () => runs);
    api.handle('training:finetune', () => ({ runId: '20261128-200000-abcd' }));
    const start = screen.getByTestId('finetune-start') as HTMLButtonElement;
    await waitFor(() => expect(start.disabled).toBe(false));
    expect((screen.getByRole('spinbutton', { name: 'Epochs' }) as HTMLInputElement).value).toBe('10'); // the editor's, untouched
    const panel = screen.getByTestId('finetune');
    expect(within(panel).getByRole('spinbutton', { name: 'Fine-tune epochs' })).toHaveProperty('value', '3');
    expect(within(panel).getByRole('spinbutton', { name: 'Fine-tune learning rate' })).toHaveProperty('value', '0.0001');
    expect(within(panel).getByRole('spinbutton', { name: 'Held-out share' })).toHaveProperty('value', '0.25');
    await userEvent.click(start);
    expect(api.count('training:finetune')).toBe(1);
    expect(api.payloads['training:finetune']![0]).toEqual({ epochs: 3, learningRate: 0.0001, heldOut: 0.25, trainLimit: 10_000 });
    expect(studio.running).toBe(true);
    expect(studio.runId).toBe('20261128-200000-abcd');
    expect(start.disabled).toBe(true);

    // While it trains, the record has the before figures only.
    const running = { ...finetuneRun(), status: 'running', epochsDone: 1, finetune: { ...report(), after: null } } as RunRecord;
    runs = [running];
    api.emit('training:epoch', { runId: running.id, metrics: running.last!, run: running });
    const early = await screen.findByTestId('finetune-table');
    await waitFor(() => expect(early.dataset.done).toBe('false'));
    expect(Array.from(early.querySelectorAll('tr[data-row="mnist"] td'), (cell) => cell.textContent)).toEqual(['98.93%', '—', '—']);

    runs = [finetuneRun()];
    api.emit('training:done', { run: finetuneRun(), stopped: false });
    await waitFor(() => expect(screen.getByTestId('finetune-table').dataset.done).toBe('true'));
    const table = await screen.findByTestId('finetune-table');
    const row = (key: string) => Array.from(table.querySelectorAll(`tr[data-row="${key}"] > *`), (cell) => cell.textContent);
    expect(row('mine')).toEqual(['My held-out digits (5)', '60.00%', '100.00%', '+40.00 pt']);
    expect(row('mnist')).toEqual(['MNIST test set', '98.93%', '98.71%', '−0.22 pt']);
    expect(table.querySelector('tr[data-row="mnist"] .worse')).not.toBeNull();
    expect(within(screen.getByTestId('runs')).getByTestId('finetune-run').textContent).toBe('fine-tune');

    // Its model is one click away.
    api.handle('runs:activate', ({ id }: { id: string }) => ({ id, label: `run ${id}`, testAccuracy: 0.9871 }));
    await userEvent.click(screen.getByTestId('finetune-use'));
    expect(api.payloads['runs:activate']).toEqual([{ id: '20261128-200000-abcd' }]);
  });

  it('a setting out of range is named and keeps Start disabled', async () => {
    const { api } = setUp(20);
    const panel = screen.getByTestId('finetune');
    const share = within(panel).getByRole('spinbutton', { name: 'Held-out share' });
    await userEvent.clear(share);
    await userEvent.type(share, '0.9');
    await waitFor(() => expect(share.getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByTestId('finetune-why').textContent).toBe('Fix the settings above.');
    await userEvent.click(screen.getByTestId('finetune-start'));
    expect(api.count('training:finetune')).toBe(0);
  });
});
