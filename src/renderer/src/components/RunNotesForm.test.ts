// Naming runs in the window: the runs list and the compare view show the name, the form saves through
// runs:annotate once, Escape leaves everything as it was, and an engine error is shown in the form.
import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../shared/contract';
import { StudioState } from '../lib/studio.svelte';
import { studioContext } from '../lib/context';
import { fakeCanvas } from '../testing/canvas';
import { fakeEngine } from '../testing/fake-api';
import { runRecord as run } from '../testing/records';
import RunsList from './RunsList.svelte';
import RunCompare from './RunCompare.svelte';

beforeAll(fakeCanvas);
afterEach(cleanup);

async function setUp(runs: RunRecord[]) {
  const api = fakeEngine();
  let listed = runs;
  api.handle('runs:list', () => listed);
  api.handle('runs:annotate', (payload) => {
    const { id, name, notes } = payload as { id: string; name: string; notes: string };
    listed = listed.map((r) => (r.id === id ? { ...r, name, notes } : r));
    return listed.find((r) => r.id === id)!;
  });
  const studio = new StudioState(api);
  await studio.load();
  return { api, studio, user: userEvent.setup() };
}

describe('naming a run', () => {
  it('saves a name and notes with one runs:annotate, and the list shows them', async () => {
    const { api, studio, user } = await setUp([run('20261128-100000-aaaa')]);
    render(RunsList, { context: studioContext(studio) });
    const row = screen.getByRole('row', { name: /relu/ });
    await user.click(within(row).getByRole('button', { name: /^Name and notes for run / }));
    const form = screen.getByRole('form', { name: /^Name and notes for run / });
    expect(within(form).getByLabelText('Name')).toBe(document.activeElement);
    await user.type(within(form).getByLabelText('Name'), 'tanh try');
    await user.type(within(form).getByLabelText('Notes'), 'falls faster');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('form')).toBeNull());
    expect(api.payloads['runs:annotate']).toEqual([{ id: '20261128-100000-aaaa', name: 'tanh try', notes: 'falls faster' }]);
    expect(screen.getByRole('button', { name: 'tanh try' })).toBeTruthy();
    expect(screen.getByTestId('run-notes').textContent).toBe('falls faster');
    // The focus goes back to the button that opened the form.
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Name and notes for run tanh try');
  });

  it('Escape cancels: nothing is sent and the name stays as it was', async () => {
    const { api, studio, user } = await setUp([run('20261128-100000-aaaa', { name: 'kept' })]);
    render(RunsList, { context: studioContext(studio) });
    await user.click(screen.getByRole('button', { name: 'Name and notes for run kept' }));
    await user.clear(screen.getByLabelText('Name'));
    await user.type(screen.getByLabelText('Name'), 'lost{Escape}');
    expect(screen.queryByRole('form')).toBeNull();
    expect(api.count('runs:annotate')).toBe(0);
    expect(screen.getByRole('button', { name: 'kept' })).toBeTruthy();
  });

  it("names a name too long itself, without asking the engine; shows the engine's own message and keeps the form open", async () => {
    const { api, studio, user } = await setUp([run('20261128-100000-aaaa')]);
    api.handle('runs:annotate', () => {
      throw new Error('runs:annotate: the run folder is gone');
    });
    render(RunsList, { context: studioContext(studio) });
    await user.click(screen.getByRole('button', { name: /^Name and notes for run / }));
    await user.type(screen.getByLabelText('Name'), 'n'.repeat(81));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Name: a run name has at most 80 characters');
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBe('true');
    expect(api.count('runs:annotate')).toBe(0);
    await user.clear(screen.getByLabelText('Name'));
    await user.type(screen.getByLabelText('Name'), 'short');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('runs:annotate: the run folder is gone'));
    expect(api.count('runs:annotate')).toBe(1);
  });

  it('the compare view shows names and notes, and names a run too', async () => {
    const { api, studio, user } = await setUp([
      run('20261128-110000-bbbb', { name: 'tanh', notes: 'the original LeNet' }),
      run('20261128-100000-aaaa'),
    ]);
    api.handle('runs:metrics', () => ({ batches: [], epochs: [] }));
    render(RunCompare, { studio });
    await user.click(screen.getByLabelText('tanh (bbbb)'));
    await user.click(screen.getByLabelText(/\(aaaa\)$/));
    const table = screen.getByTestId('compare-table');
    expect(within(table).getByRole('columnheader', { name: 'tanh (bbbb)' })).toBeTruthy();
    expect(within(table).getByRole('row', { name: /^notes/ }).textContent).toContain('the original LeNet');
    await user.click(screen.getByRole('button', { name: /^Name and notes for run .*[0-9]/ }));
    await user.type(screen.getByLabelText('Name'), 'baseline{Enter}');
    await waitFor(() => expect(within(table).getByRole('columnheader', { name: 'baseline (aaaa)' })).toBeTruthy());
  });
});
