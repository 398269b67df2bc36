// The Training form belongs to the person (issues 17 and 18): number fields keep what is typed, the form is
// kept across reloads and never rewritten by a queue, a resume or a shown run, the next steps after a run sit
// beside Start, and fine-tuning says how long it takes and what a result of 100% → 100% means.
import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { InvokeInput, RunRecord, TrainingStatus } from '../../../shared/contract';
import type { FinetuneReport, MyDigit } from '../../../shared/digits';
import { PIXELS } from '../../../shared/mnist';
import { VARIANTS } from '../../../shared/presets';
import { defaultSpec } from '../../../shared/spec';
import { studioContext } from '../lib/context';
import { StudioState } from '../lib/studio.svelte';
import { fakeCanvas } from '../testing/canvas';
import { fakeEngine, type FakeApi } from '../testing/fake-api';
import TrainingView from './TrainingView.svelte';

beforeAll(fakeCanvas);
// Chart.js needs a laid-out page; the charts are not what these tests are about.
vi.mock('../components/LineChart.svelte', async () => ({ default: (await import('../testing/Empty.svelte')).default }));

const RUN_ID = '20261128-220000-abcd';
const record = (extra: Partial<RunRecord> = {}): RunRecord => ({
  id: RUN_ID,
  createdAt: '2026-11-28T22:00:00Z',
  spec: defaultSpec(),
  dataDir: '/data',
  backend: 'wasm',
  status: 'stopped',
  epochsDone: 1,
  checkpoint: 'ckpt-0001-aaaa',
  name: 'first try',
  ...extra,
});

async function setUp(api: FakeApi = fakeEngine()) {
  api.handle('training:start', () => ({ runId: RUN_ID }));
  const studio = new StudioState(api);
  await studio.load();
  render(TrainingView, { context: studioContext(studio) });
  return { api, studio, user: userEvent.setup() };
}

const field = (name: string) => screen.getByRole('spinbutton', { name }) as HTMLInputElement;
const start = () => screen.getByTestId('start') as HTMLButtonElement;
const sent = (api: FakeApi) => api.payloads['training:start'] as InvokeInput<'training:start'>[];

describe('number fields (issue 18, item 1)', () => {
  it('keep 1e-4, .001 and 0,001 as typed and train at exactly those rates', async () => {
    const { api, studio, user } = await setUp();
    for (const [typed, rate] of [
      ['1e-4', 0.0001],
      ['.001', 0.001],
      ['0,001', 0.001],
      ['3e-3', 0.003],
    ] as const) {
      await user.clear(field('Learning rate'));
      await user.type(field('Learning rate'), typed);
      await user.tab();
      expect(field('Learning rate').value).toBe(typed);
      expect(studio.spec.learningRate).toBe(rate);
      expect(field('Learning rate').getAttribute('aria-invalid')).toBeNull();
    }
    await user.click(start());
    expect(sent(api)[0].spec.learningRate).toBe(0.003);
  });

  it('half-typed text disables Start at once and is named beside the field on blur, never read as another number', async () => {
    const { api, studio, user } = await setUp();
    await user.clear(field('Learning rate'));
    await user.type(field('Learning rate'), '1e-');
    expect(field('Learning rate').value).toBe('1e-');
    expect(Number.isNaN(studio.spec.learningRate)).toBe(true);
    expect(start().disabled).toBe(true);
    expect(field('Learning rate').getAttribute('aria-invalid')).toBeNull(); // not yet: the person is typing
    await user.tab();
    expect(field('Learning rate').getAttribute('aria-invalid')).toBe('true');
    const message = document.getElementById(field('Learning rate').getAttribute('aria-describedby')!)!;
    expect(message.textContent).toBe('"1e-" is not a number (write 0.001, .001, 0,001 or 1e-3)');
    await user.click(start());
    expect(api.count('training:start')).toBe(0);
  });

  it('-3 stays -3 and is named as out of range; Enter checks an empty field', async () => {
    const { studio, user } = await setUp();
    await user.clear(field('Learning rate'));
    await user.type(field('Learning rate'), '-3');
    expect([field('Learning rate').value, studio.spec.learningRate]).toEqual(['-3', -3]);
    expect(document.getElementById(field('Learning rate').getAttribute('aria-describedby')!)!.textContent).toBe('must be above 0');
    await user.clear(field('Epochs'));
    expect(field('Epochs').getAttribute('aria-invalid')).toBeNull();
    await user.keyboard('{Enter}');
    expect(document.getElementById(field('Epochs').getAttribute('aria-describedby')!)!.textContent).toBe('enter a number');
    expect(start().disabled).toBe(true);
  });
});

describe('Start says why it is off (issue 29, item 3)', () => {
  it('names the field beside Start, and Ctrl+Enter takes the focus to it', async () => {
    const { user, studio } = await setUp();
    studio.place = 'training';
    Element.prototype.scrollIntoView ??= () => undefined;
    await user.clear(field('Learning rate'));
    await user.type(field('Learning rate'), 'abc');
    expect(start().disabled).toBe(true);
    const why = screen.getByTestId('start-why');
    expect(why.textContent).toMatch(/Learning rate/);
    expect(start().getAttribute('aria-describedby')).toBe(why.id);
    field('Epochs').focus();
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(document.activeElement).toBe(field('Learning rate'));
    field('Epochs').focus();
    await user.click(within(why).getByRole('button', { name: /Learning rate/ }));
    expect(document.activeElement).toBe(field('Learning rate'));
  });
});

describe('the form is the person’s (issue 17; issue 18, item 2)', () => {
  it('is kept across a reload, and a reload after a queue of variants shows it, not the last variant’s settings', async () => {
    const first = await setUp();
    await first.user.clear(field('Epochs'));
    await first.user.type(field('Epochs'), '4');
    await first.user.clear(field('Training samples'));
    await first.user.type(field('Training samples'), '5000');
    await waitFor(() => expect(localStorage.getItem('digit-studio:training-form:v1')).toContain('"epochs":4'));
    cleanup();

    // The engine's last run is the queue's last variant, 3×3 kernels on 3,000 samples.
    const variant = VARIANTS.find((v) => v.id === 'kernel-3')!;
    const last = record({ id: '20261128-230000-ffff', name: variant.name, spec: variant.apply(defaultSpec()), trainLimit: 3000, status: 'done' });
    const api = fakeEngine();
    api.handle('runs:list', () => [last]);
    api.handle('training:status', (): TrainingStatus => ({
      runId: last.id,
      running: false,
      spec: last.spec,
      progress: null,
      batches: [],
      epochs: [],
      queue: { names: ['baseline', variant.name], current: 1, runIds: ['20261128-220000-eeee', last.id], active: false, dropped: 0 },
    }));
    const { studio } = await setUp(api);
    expect(studio.spec).toEqual({ ...defaultSpec(), epochs: 4 });
    expect(studio.trainLimit).toBe(5000);
    expect((screen.getAllByRole('spinbutton', { name: 'Kernel' })[0] as HTMLInputElement).value).toBe('5'); // as the person left it
    expect(studio.runId).toBe(last.id); // the charts do show the queue's last run
  });

  it('keeps 1e-4 and 2e-3 as typed across a reload (issue 29, item 8)', async () => {
    const first = await setUp();
    await first.user.clear(field('Learning rate'));
    await first.user.type(field('Learning rate'), '1e-4');
    await first.user.clear(field('Dropout'));
    await first.user.type(field('Dropout'), '2e-1');
    await waitFor(() => expect(localStorage.getItem('digit-studio:training-form:v1')).toContain('2e-1'));
    cleanup();
    const { studio } = await setUp();
    expect(field('Learning rate').value).toBe('1e-4');
    expect(field('Dropout').value).toBe('2e-1');
    expect(studio.spec.learningRate).toBe(0.0001);
  });

  it('a stored form that fails the spec schema is not used: the notebook’s form is', async () => {
    localStorage.setItem(
      'digit-studio:training-form:v1',
      JSON.stringify({ spec: { ...defaultSpec(), batchSize: 'lots' }, trainLimit: null, testLimit: null }),
    );
    const { studio } = await setUp();
    expect(studio.spec).toEqual(defaultSpec());
  });

  it('"Settings" beside a run puts its settings in the form and names each changed field', async () => {
    const api = fakeEngine();
    const base = defaultSpec();
    api.handle('runs:list', () => [record({ spec: { ...base, dense: [64] }, trainLimit: 3000 })]);
    const { studio, user } = await setUp(api);
    await user.click(within(screen.getByTestId('runs')).getByRole('button', { name: 'Use the settings of run first try' }));
    expect(studio.spec.dense).toEqual([64]);
    expect(studio.notice?.text).toBe(
      'The Training form now has the settings of run “first try”: Dense layers: 120, 84 → 64; Training samples: all → 3,000.',
    );
    // Said beside the run's row, where the person is (issue 29, item 9).
    expect(within(screen.getByTestId('runs')).getByRole('status').textContent).toMatch(/now has the settings of run “first try”/);
  });

  it('the Name form comes into sight when it opens (issue 29, item 9)', async () => {
    const scrolled: Element[] = [];
    const before = Element.prototype.scrollIntoView;
    Element.prototype.scrollIntoView = function (this: Element) {
      scrolled.push(this);
    };
    const api = fakeEngine();
    api.handle('runs:list', () => [record()]);
    const { user } = await setUp(api);
    await user.click(within(screen.getByTestId('runs')).getByRole('button', { name: 'Name and notes for run first try' }));
    expect(scrolled).toContain(screen.getByTestId('run-notes-form'));
    Element.prototype.scrollIntoView = before;
  });
});

describe('after a run, its next steps sit beside Start (issue 18, item 6)', () => {
  it('"Use this model" on a reading run says it reads whole numbers now, and what still predicts (issue 25)', async () => {
    const api = fakeEngine();
    const reading = record({ status: 'done', epochsDone: 10 });
    reading.spec = { ...reading.spec, reading: true };
    api.handle('runs:list', () => [reading]);
    api.handle('runs:activate', () => ({ id: 'bundled', label: 'bundled LeNet-5', testAccuracy: 0.99 }));
    api.handle('runs:metrics', () => ({ batches: [], epochs: [] }));
    const { studio } = await setUp(api);
    await studio.activate(RUN_ID);
    expect(api.payloads['runs:activate']).toEqual([{ id: RUN_ID }]);
    expect(studio.notice?.text).toBe('Now reading whole numbers with run “first try”; predictions stay with bundled LeNet-5.');
  });

  it('a stopped run offers Resume and "Use this model" next to Start; a finished one "Use this model"', async () => {
    const api = fakeEngine();
    let runs = [record()];
    api.handle('runs:list', () => runs);
    api.handle('runs:activate', ({ id }: { id: string }) => ({ id, label: 'first try', testAccuracy: 0.97 }));
    api.handle('runs:metrics', () => ({ batches: [], epochs: [] }));
    const { studio, user } = await setUp(api);
    expect(screen.queryByTestId('banner-resume')).toBeNull();
    await user.click(start());
    api.emit('training:done', { run: record(), stopped: true });
    await waitFor(() => expect(screen.getByTestId('banner-resume')).toBeTruthy());
    expect(studio.notice?.text).toBe('Run “first try” stopped after 1 epoch; its model is saved.');
    await user.click(screen.getByTestId('banner-use'));
    expect(api.payloads['runs:activate']).toEqual([{ id: RUN_ID }]);
    await user.click(screen.getByTestId('banner-resume'));
    expect(sent(api).at(-1)).toMatchObject({ resumeId: RUN_ID });

    runs = [record({ status: 'done', epochsDone: 10 })];
    api.emit('training:done', { run: runs[0], stopped: false });
    await waitFor(() => expect(screen.queryByTestId('banner-resume')).toBeNull());
    studio.activeModel = { id: 'bundled', label: 'bundled LeNet-5', testAccuracy: 0.99 };
    await waitFor(() => expect(screen.getByTestId('banner-use')).toBeTruthy());
  });
});

describe('the estimate (issue 18, item 5)', () => {
  it('includes the training thread’s start-up and says how sure it is', async () => {
    await setUp();
    const text = screen.getByTestId('estimate').textContent!.replace(/\s+/g, ' ');
    // 10 × (60,000 + 10,000 / 3) at 5,000 samples/s is 127 s; with 6 s to start: 2m 13s.
    expect(text).toMatch(/≈ 2m 13s \(likely 1m 7s to 6m 28s\)/);
    expect(text).toContain('a rough figure for this machine');
    expect(text).toContain('about 6 s to start the training thread');
  });
});

const myDigits = (n: number): MyDigit[] =>
  Array.from({ length: n }, (_, i) => ({ id: `d-${String(i).padStart(12, '0')}`, label: i % 10, createdAt: '2026-11-28T19:00:00Z' }));

describe('fine-tuning (issue 18, item 15)', () => {
  it('has a sample limit, sent with the run, and a time estimate that follows it', async () => {
    const api = fakeEngine();
    api.handle('digits:list', () => ({ total: 20, digits: myDigits(20), pixels: btoa(String.fromCharCode(...new Uint8Array(20 * PIXELS))) }));
    api.handle('training:finetune', () => ({ runId: RUN_ID }));
    const { user } = await setUp(api);
    const panel = screen.getByTestId('finetune');
    const limit = within(panel).getByRole('spinbutton', { name: 'MNIST samples' }) as HTMLInputElement;
    expect(limit.value).toBe('10000');
    // 3 epochs × 12,500 (a fifth of each batch is mine) + 5 × 10,000 / 3 measured, at 5,000 samples/s, and 6 s: 17 s.
    expect(within(panel).getByTestId('finetune-estimate').textContent).toMatch(/12,500 samples × 3 epochs, measured before and after ≈\s+17s/);
    await user.clear(limit);
    await user.type(limit, '2000');
    expect(within(panel).getByTestId('finetune-estimate').textContent).toMatch(/2,500 samples × 3 epochs/);
    await waitFor(() => expect((screen.getByTestId('finetune-start') as HTMLButtonElement).disabled).toBe(false));
    await user.click(screen.getByTestId('finetune-start'));
    expect(api.payloads['training:finetune']).toEqual([{ epochs: 3, learningRate: 0.0001, heldOut: 0.25, trainLimit: 2000 }]);
  });

  it('explains 100% → 100%: the held-out digits were already all read right, nothing to gain on them', async () => {
    const report: FinetuneReport = {
      from: 'bundled LeNet-5',
      trained: 15,
      heldOut: 5,
      before: { mine: 1, mnist: 0.99 },
      after: { mine: 1, mnist: 0.99 },
    };
    const api = fakeEngine();
    api.handle('runs:list', () => [record({ status: 'done', finetune: report })]);
    await setUp(api);
    expect((await screen.findByTestId('finetune-nothing-to-gain')).textContent).toMatch(
      /Your 5 held-out digits were already all read right before fine-tuning: there was nothing to gain on these digits/,
    );
  });
});
