// Saving a drawing to My digits: one request a click or key, what the model saw sent along, Undo, and a
// failed save that keeps the drawing.
import { cleanup, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { Drawing, MyDigit } from '../../../shared/digits';
import { PIXELS } from '../../../shared/mnist';
import { StudioState } from '../lib/studio.svelte';
import { SaveDigitState } from '../lib/save-digit.svelte';
import { fakeEngine, held } from '../testing/fake-api';
import SaveDigit from './SaveDigit.svelte';

const SNAPSHOT = {
  strokes: [{ width: 22, points: [[10, 10] as [number, number], [20, 30] as [number, number]] }],
  canvas: { width: 400, height: 400 },
  png: 'iVBORw0KGgo=',
};

function setUp(options: { strokes?: number; predicted?: number | null } = {}) {
  const api = fakeEngine();
  let next = 0;
  api.handle('digits:save', (payload) => ({
    id: `d-00000000000${next++}`,
    label: (payload as { label: number }).label,
    createdAt: '2026-11-28T19:00:00Z',
  }));
  api.handle('digits:delete', () => ({ deleted: true }));
  const studio = new StudioState(api);
  studio.place = 'draw';
  const pad = { undo: vi.fn(), clear: vi.fn(), show: vi.fn(), snapshot: vi.fn(() => structuredClone(SNAPSHOT)) };
  const field = Float32Array.from({ length: PIXELS }, (_, i) => (i % 7) / 7);
  const predicted = options.predicted === undefined ? 7 : options.predicted;
  const { rerender } = render(SaveDigit, { studio, pad, field, predicted, strokes: options.strokes ?? 2 });
  /** The pad after a save: cleared, nothing on it. */
  const emptied = () => rerender({ studio, pad, field, predicted, strokes: 0 });
  return { api, studio, pad, field, emptied };
}

describe('SaveDigit', () => {
  it('the predicted digit is highlighted; one click sends exactly one save with the vectors, the PNG and the 28×28', async () => {
    const { api, pad, field } = setUp();
    expect(screen.getByRole('button', { name: 'Save as 7 (predicted)' }).classList.contains('predicted')).toBe(true);
    expect(screen.getByRole('button', { name: 'Save as 4' }).classList.contains('predicted')).toBe(false);
    await userEvent.click(screen.getByRole('button', { name: 'Save as 4' }));
    expect(api.count('digits:save')).toBe(1);
    const { label, drawing } = api.payloads['digits:save']![0] as { label: number; drawing: Drawing };
    expect(label).toBe(4);
    expect(drawing.strokes).toEqual(SNAPSHOT.strokes);
    expect(drawing.canvas).toEqual({ width: 400, height: 400 });
    expect(drawing.png).toBe(SNAPSHOT.png);
    expect(drawing.field).toEqual(Array.from(field));
    expect(await screen.findByText(/^Saved as 4 to My digits — the model read 7\./)).toBeTruthy();
    expect(pad.clear).toHaveBeenCalledTimes(1);
  });

  it('the keys 0–9 save as that digit, but not while typing in a field, nor with Ctrl', async () => {
    const { api } = setUp();
    const input = document.body.appendChild(document.createElement('input'));
    input.focus();
    await userEvent.keyboard('3');
    await userEvent.keyboard('{Control>}5{/Control}');
    expect(api.count('digits:save')).toBe(0);
    input.remove();
    document.body.focus();
    await userEvent.keyboard('3');
    expect(api.count('digits:save')).toBe(1);
    expect((api.payloads['digits:save']![0] as { label: number }).label).toBe(3);
    expect(screen.getByTestId('save-status').getAttribute('aria-live')).toBe('polite');
    expect(await screen.findByText(/^Saved as 3 to My digits — the model read 7\./)).toBeTruthy();
  });

  it('Undo deletes the digit just saved, with one request', async () => {
    const { api } = setUp();
    await userEvent.click(screen.getByRole('button', { name: 'Save as 7 (predicted)' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Undo' }));
    expect(api.count('digits:delete')).toBe(1);
    expect(api.payloads['digits:delete']![0]).toEqual({ id: 'd-000000000000' });
    expect(await screen.findByText('Removed the 7 just saved from My digits.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
  });

  it('a second click while a save is under way sends nothing more', async () => {
    const { api } = setUp();
    const reply = held<MyDigit>();
    api.handle('digits:save', () => reply.promise);
    const seven = screen.getByRole('button', { name: 'Save as 7 (predicted)' });
    await userEvent.click(seven);
    await userEvent.click(seven);
    expect(api.count('digits:save')).toBe(1);
    reply.resolve({ id: 'd-0123456789ab', label: 7, createdAt: '2026-11-28T19:00:00Z' });
    expect(await screen.findByText('Saved as 7 to My digits.')).toBeTruthy();
  });

  it('a failed save names the error and leaves the drawing on the pad', async () => {
    const { api, pad } = setUp();
    api.handle('digits:save', () => Promise.reject(new Error('the disk is full')));
    await userEvent.click(screen.getByRole('button', { name: 'Save as 7 (predicted)' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Could not save the drawing: the disk is full. It is still on the pad.');
    expect(pad.clear).not.toHaveBeenCalled();
  });

  it('with nothing on the pad the buttons are disabled and keys save nothing', async () => {
    const { api } = setUp({ strokes: 0 });
    expect((screen.getByRole('button', { name: 'Save as 7 (predicted)' }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.keyboard('7');
    expect(api.count('digits:save')).toBe(0);
  });

  it('a save refreshes My digits once when it is on show', async () => {
    const { api, studio } = setUp();
    await studio.digits.load();
    await userEvent.click(screen.getByRole('button', { name: 'Save as 7 (predicted)' }));
    await screen.findByText('Saved as 7 to My digits.');
    expect(api.count('digits:list')).toBe(2);
  });

  it('when the model is unsure no digit is highlighted, and saving still works', async () => {
    const { api } = setUp({ predicted: null });
    expect(screen.getAllByRole('button', { name: /^Save as \d$/ })).toHaveLength(10);
    expect(document.querySelectorAll('button.predicted')).toHaveLength(0);
    await userEvent.click(screen.getByRole('button', { name: 'Save as 2' }));
    expect(api.count('digits:save')).toBe(1);
  });

  it('saving a digit the model was sure of as another says what the model read (issue 18, item 13)', async () => {
    setUp({ predicted: 4 });
    await userEvent.click(screen.getByRole('button', { name: 'Save as 9' }));
    expect((await screen.findByTestId('save-status')).textContent).toMatch(/Saved as 9 to My digits — the model read 4\./);
  });

  it('Ctrl+Z on the emptied pad after a save undoes the save and says so (issue 18, item 13)', async () => {
    const { api, emptied } = setUp();
    await userEvent.click(screen.getByRole('button', { name: 'Save as 7 (predicted)' }));
    await screen.findByText('Saved as 7 to My digits.');
    await emptied();
    document.body.focus();
    await userEvent.keyboard('{Control>}z{/Control}');
    expect(api.count('digits:delete')).toBe(1);
    expect(await screen.findByText('Removed the 7 just saved from My digits.')).toBeTruthy();
    // Nothing left to undo: a second Ctrl+Z sends nothing.
    await userEvent.keyboard('{Control>}z{/Control}');
    expect(api.count('digits:delete')).toBe(1);
  });

  it("a new drawing clears the last save's line and its Undo, so that Undo never removes an older digit (issue 29, item 4)", async () => {
    const { api, studio, pad, field } = setUp();
    await userEvent.click(screen.getByRole('button', { name: 'Save as 9' }));
    expect(await screen.findByRole('button', { name: 'Undo' })).toBeTruthy();
    cleanup();
    // The Draw place owns the saves' state and forgets the last save when a stroke begins.
    const saver = new SaveDigitState(studio);
    render(SaveDigit, { studio, saver, pad, field, predicted: 7, strokes: 1 });
    await userEvent.click(screen.getByRole('button', { name: 'Save as 9' }));
    expect(await screen.findByRole('button', { name: 'Undo' })).toBeTruthy();
    saver.forget();
    flushSync();
    expect(screen.getByTestId('save-status').textContent!.trim()).toBe('');
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
    document.body.focus();
    await userEvent.keyboard('{Control>}z{/Control}');
    expect(api.count('digits:delete')).toBe(0);
  });

  it('with the engine out of reach the buttons are disabled and say why (issue 18, item 9)', () => {
    const { studio } = setUp();
    studio.disconnected = 'the studio’s engine stopped';
    flushSync();
    expect((screen.getByRole('button', { name: 'Save as 7 (predicted)' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(/Saving needs the studio's engine/)).toBeTruthy();
  });
});
