// The training recipe in the Training place (issue 12): the notebook's recipe by default, Quick sets the quick
// preset's training fields and Start sends them, a hand edit is kept and shows as custom.
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { tick } from 'svelte';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { InvokeInput } from '../../../shared/contract';
import { quickSpec, readingSpec } from '../../../shared/presets';
import { defaultSpec } from '../../../shared/spec';
import { StudioState } from '../lib/studio.svelte';
import { studioContext } from '../lib/context';
import { fakeCanvas } from '../testing/canvas';
import { fakeEngine } from '../testing/fake-api';
import TrainingView from './TrainingView.svelte';

beforeAll(fakeCanvas);
// Chart.js needs a laid-out page; the charts are not what these tests are about.
vi.mock('../components/LineChart.svelte', async () => ({ default: (await import('../testing/Empty.svelte')).default }));

function setUp() {
  const api = fakeEngine();
  api.handle('training:start', () => ({ runId: '20261128-220000-abcd' }));
  const studio = new StudioState(api);
  render(TrainingView, { context: studioContext(studio) });
  return { api, studio, user: userEvent.setup() };
}

const radio = (name: string) => screen.getByRole('radio', { name }) as HTMLInputElement;
const value = (field: string) => (document.querySelector(`[data-field="${field}"]`) as HTMLInputElement).value;
const status = () => screen.getByTestId('recipe-status').textContent!.replace(/\s+/g, ' ').trim();
const started = (api: ReturnType<typeof setUp>['api']) => api.payloads['training:start'] as InvokeInput<'training:start'>[] | undefined;
/** The fields a recipe sets, from a spec. */
const training = ({ optimizer, learningRate, batchSize, epochs, schedule }: ReturnType<typeof defaultSpec>) => ({
  optimizer,
  learningRate,
  batchSize,
  epochs,
  schedule,
});

describe('the training recipe', () => {
  it("is the notebook's by default: its radio is checked, the rate constant, and Start sends the notebook's spec", async () => {
    const { api, user } = setUp();
    const group = screen.getByRole('group', { name: 'Training recipe' });
    expect(
      within(group)
        .getAllByRole('radio')
        .map((r) => [r.getAttribute('data-recipe'), (r as HTMLInputElement).checked]),
    ).toEqual([
      ['notebook', true],
      ['quick', false],
      ['reading', false],
    ]);
    expect([value('learningRate'), value('batchSize'), value('epochs')]).toEqual(['0.001', '200', '10']);
    expect(screen.getByTestId('schedule').textContent).toMatch(/^\s*Learning-rate schedule: constant\s*$/);
    expect(screen.getByRole('spinbutton', { name: 'Learning rate' })).toBeTruthy();
    expect(status()).toBe('');
    await user.click(screen.getByTestId('start'));
    expect(api.count('training:start')).toBe(1);
    expect(started(api)![0].spec).toEqual(defaultSpec());
  });

  it('choosing the reading recipe makes a reading model: Start sends reading, its distortions and its training fields (issue 25)', async () => {
    const { api, studio, user } = setUp();
    await user.click(radio('Reading model'));
    await user.click(radio('Notebook recipe'));
    // Back to the notebook's recipe: no longer a reading model.
    expect(studio.spec.reading).toBeUndefined();
    await user.click(radio('Reading model'));
    expect(radio('Reading model').checked).toBe(true);
    expect(status()).toBe('');
    await user.click(screen.getByTestId('start'));
    const sent = started(api)![0].spec;
    expect(sent.reading).toBe(true);
    expect(sent.augment).toEqual(readingSpec().augment);
    expect(training(sent)).toEqual(training(readingSpec()));
  });

  it("choosing Quick sets the quick preset's batch, rate, epochs and schedule; Start sends them with the same layers", async () => {
    const { api, studio, user } = setUp();
    await user.click(radio('Quick'));
    expect([radio('Quick').checked, radio('Notebook recipe').checked]).toEqual([true, false]);
    expect([value('learningRate'), value('batchSize'), value('epochs')]).toEqual(['0.005', '250', '3']);
    expect(screen.getByTestId('schedule').textContent).toContain(
      'one-cycle, warm-up 25%: the rate rises to its peak over the first 25% of the steps',
    );
    expect(screen.getByRole('spinbutton', { name: 'Peak learning rate' })).toBeTruthy();
    expect(studio.spec).toEqual(quickSpec());
    await user.click(screen.getByTestId('start'));
    expect(api.count('training:start')).toBe(1);
    const sent = started(api)![0].spec;
    expect(training(sent)).toEqual({
      optimizer: 'adam',
      learningRate: 0.005,
      batchSize: 250,
      epochs: 3,
      schedule: { kind: 'one-cycle', warmup: 0.25 },
    });
    expect([sent.conv, sent.dense, sent.activation]).toEqual([defaultSpec().conv, defaultSpec().dense, 'relu']);
  });

  it('explains Quick in a line tied to its radio: what it changes and that the 61,706-parameter model stays', () => {
    setUp();
    const note = document.getElementById(radio('Quick').getAttribute('aria-describedby')!)!.textContent!;
    expect(note).toContain('The same LeNet-5 (61,706 parameters) in 3 epochs instead of 10');
    expect(note).toContain('batches of 250 and a one-cycle rate peaking at 0.005');
    expect(note).not.toMatch(/\d\s*(s|seconds|min|minutes)\b/);
  });

  it('a field edited by hand after choosing Quick is kept, shows custom and names what differs; Start sends the edit', async () => {
    const { api, studio, user } = setUp();
    await user.click(radio('Quick'));
    const batch = screen.getByRole('spinbutton', { name: 'Batch size' });
    await user.clear(batch);
    await user.type(batch, '300');
    expect(studio.spec.batchSize).toBe(300);
    expect(value('batchSize')).toBe('300');
    expect([radio('Quick').checked, radio('Notebook recipe').checked]).toEqual([false, false]);
    expect(status()).toBe('Custom: differs from Quick in batch size. Pick a recipe to set its fields again.');
    expect(screen.getByTestId('recipe-status').getAttribute('aria-live')).toBe('polite');
    await user.click(screen.getByTestId('start'));
    expect(training(started(api)![0].spec)).toEqual({ ...training(quickSpec()), batchSize: 300 });
  });

  it("picking the notebook's recipe again restores its fields and takes the schedule away, keeping seed and layers", async () => {
    const { studio, user } = setUp();
    const seed = screen.getByRole('spinbutton', { name: 'Seed' });
    await user.clear(seed);
    await user.type(seed, '7');
    await user.click(radio('Quick'));
    await user.click(radio('Notebook recipe'));
    expect(studio.spec).toEqual({ ...defaultSpec(), seed: 7 });
    expect('schedule' in studio.spec).toBe(false);
    expect(radio('Notebook recipe').checked).toBe(true);
    expect(screen.getByTestId('schedule').textContent).toMatch(/constant\s*$/);
  });

  it("warns when Quick meets layers other than the notebook's, which it was not tuned for", async () => {
    const { studio, user } = setUp();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Activation' }), 'tanh');
    await user.click(radio('Quick'));
    expect(studio.spec.activation).toBe('tanh');
    expect(radio('Quick').checked).toBe(true);
    expect(status()).toBe("Your layers differ from the notebook's LeNet-5 in activation; Quick was tuned for it.");
  });

  it('says the same of the notebook recipe, and a custom status names a dense-layer change too (issue 29, item 18)', async () => {
    const { studio } = setUp();
    studio.spec = { ...defaultSpec(), dense: [64] };
    await tick();
    expect(radio('Notebook recipe').checked).toBe(true);
    expect(status()).toBe("Your layers differ from the notebook's LeNet-5 in dense layers; the notebook's recipe was tuned for it.");
    studio.spec = { ...defaultSpec(), dense: [64], learningRate: 0.002, batchSize: 100, epochs: 3 };
    await tick();
    expect(status()).toBe(
      "Custom: differs from the notebook's recipe in learning rate, batch size, and epochs, and from the notebook's LeNet-5 in its dense layers. Pick a recipe to set its fields again.",
    );
  });

  it('follows the spec wherever it comes from: a quick spec put in place shows Quick checked', async () => {
    const { studio } = setUp();
    studio.spec = quickSpec();
    await tick();
    expect(radio('Quick').checked).toBe(true);
    studio.spec = { ...defaultSpec(), epochs: 4 };
    await tick();
    expect([radio('Quick').checked, radio('Notebook recipe').checked]).toEqual([false, false]);
    expect(status()).toBe("Custom: differs from the notebook's recipe in epochs. Pick a recipe to set its fields again.");
  });

  it('cannot be changed while a run trains', async () => {
    const { studio, user } = setUp();
    await user.click(screen.getByTestId('start'));
    expect(studio.running).toBe(true);
    expect((screen.getByRole('group', { name: 'Training recipe' }) as HTMLFieldSetElement).disabled).toBe(true);
    await user.click(radio('Quick'));
    expect(studio.spec.batchSize).toBe(200);
  });
});
