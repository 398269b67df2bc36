// The window's frame: the place kept in the address, a first step offered on first launch, the engine named
// plainly, one banner when the engine is lost (issue 18, items 9 and 17), and a skip link (item 4).
import { cleanup, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { flushSync } from 'svelte';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeReason } from './lib/ws-client';
import { StudioState } from './lib/studio.svelte';
import { studioContext } from './lib/context';
import { fakeCanvas } from './testing/canvas';
import { fakeEngine } from './testing/fake-api';
import { runRecord } from './testing/records';
import App from './App.svelte';

beforeAll(() => {
  fakeCanvas();
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  Element.prototype.scrollIntoView ??= () => undefined;
});
beforeEach(() => {
  history.replaceState(null, '', '/');
  localStorage.clear();
});
afterEach(cleanup);

async function setUp() {
  const api = fakeEngine();
  const studio = new StudioState(api, () => true);
  await studio.load();
  render(App, { props: { studio }, context: studioContext(studio) });
  return { api, studio, user: userEvent.setup() };
}

const place = (name: string) =>
  screen.getByRole('navigation', { name: 'Places' }).querySelector(`button[aria-current="page"]`)?.textContent?.trim() === name;

describe('the window', () => {
  it('keeps the place in the address, and opens on the place the address names (item 17)', async () => {
    const { user, studio } = await setUp();
    await user.click(screen.getByRole('button', { name: 'Model' }));
    expect(location.hash).toBe('#model');
    cleanup();
    // A reload: a new window on the same address.
    const again = new StudioState(studio.api);
    await again.load();
    render(App, { props: { studio: again }, context: studioContext(again) });
    expect(again.place).toBe('model');
    expect(place('Model')).toBe(true);
    // No invitation on a return visit to a place.
    expect(screen.queryByTestId('invite')).toBeNull();
  });

  it('invites the person to draw on first launch; the invitation takes them to Draw and does not come back (item 17)', async () => {
    const { user, studio } = await setUp();
    const invite = screen.getByTestId('invite');
    expect(invite.textContent).toMatch(/Draw a digit and watch the model read it/);
    await user.click(screen.getByRole('button', { name: 'Draw a digit' }));
    expect(studio.place).toBe('draw');
    expect(location.hash).toBe('#draw');
    await user.click(screen.getByRole('button', { name: 'Dataset' }));
    expect(screen.queryByTestId('invite')).toBeNull();
    cleanup();
    history.replaceState(null, '', '/');
    await setUp();
    expect(screen.queryByTestId('invite')).toBeNull();
  });

  it('keeps the focus in the place when a notice is dismissed or the invitation is taken (issue 29, item 2)', async () => {
    const { user, studio } = await setUp();
    studio.notice = { kind: 'info', text: 'Something happened.' };
    flushSync();
    screen.getByRole('button', { name: 'Dismiss' }).focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('region', { name: 'Dataset' })));
    screen.getByRole('button', { name: 'Draw a digit' }).focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(document.activeElement).toBe(document.querySelector('section[data-place="draw"]')));
  });

  it('an imported model is named as imported, with the accuracy it declares labelled as declared (issue 29, item 6)', async () => {
    const { studio } = await setUp();
    const id = '20261206-100000-abcd';
    studio.activeModel = { id, label: 'import of bundled LeNet-5', testAccuracy: 0.9893, declared: true };
    studio.runs = [
      runRecord(id, { name: 'import of bundled LeNet-5', epochsDone: 0, status: 'done', last: undefined, imported: { declaredAccuracy: 0.9893 } }),
    ];
    flushSync();
    expect(screen.getByTestId('active-model').textContent!.replace(/\s+/g, ' ')).toMatch(/import of bundled LeNet-5 \(98\.93% declared\)/);
    const row = screen.getByTestId('runs').querySelector(`[data-run="${id}"]`)!;
    expect(row.textContent).toMatch(/imported/);
    expect(row.textContent).toMatch(/98\.93% declared/);
    expect(row.textContent).not.toMatch(/0\/10/);
  });

  it("the badge's tooltip on WebAssembly guesses nothing about what is installed, and names a GPU failure (issue 29, item 21)", async () => {
    const { studio } = await setUp();
    studio.info = { ...studio.info!, backend: 'wasm', backendLabel: 'CPU (WebAssembly)', gpuFailure: 'the device was lost' };
    flushSync();
    const title = screen.getByTestId('backend').getAttribute('title')!;
    expect(title).not.toMatch(/not installed/);
    expect(title).toMatch(/failed: the device was lost/);
  });

  it('names the backend as a plain badge, with the engine’s own label (item 17)', async () => {
    await setUp();
    const badge = screen.getByTestId('backend');
    expect(badge.textContent!.trim()).toBe('CPU (WebAssembly)');
    expect(badge.className).not.toMatch(/native|warn/);
  });

  it('with the engine lost: one banner, no command named, and a way to try again (item 9)', async () => {
    const { studio } = await setUp();
    studio.notice = { kind: 'error', text: "the studio's engine is not reachable" };
    studio.disconnected = closeReason(1006);
    flushSync();
    const alerts = screen.getAllByRole('alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].textContent).toMatch(/Lost the connection to the studio's engine/);
    expect(alerts[0].textContent).toMatch(/open the address it printed/);
    expect(alerts[0].textContent).not.toMatch(/npm/);
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('with the engine lost, the Dataset grid says its samples could not be fetched instead of "0 samples" (item 9)', async () => {
    const api = fakeEngine();
    api.handle('dataset:page', () => Promise.reject(new Error("the studio's engine is not reachable")));
    const studio = new StudioState(api);
    await studio.load();
    render(App, { props: { studio }, context: studioContext(studio) });
    const total = screen.getAllByTestId('grid-total')[0];
    await waitFor(() => expect(total.textContent).toMatch(/The samples could not be fetched: the studio's engine is not reachable/));
    expect(total.textContent).not.toMatch(/0 samples/);
  });

  it('the first Tab stop skips to the main control of the place (item 4)', async () => {
    const { user } = await setUp();
    await user.tab();
    expect(document.activeElement).toBe(screen.getByTestId('skip'));
    expect(document.activeElement!.textContent).toBe('Skip to the digit grid');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('thumb-grid')));
    await user.click(screen.getByRole('button', { name: 'Training' }));
    screen.getByTestId('skip').focus();
    await user.keyboard('{Enter}');
    expect(document.activeElement).toBe(screen.getByTestId('start'));
  });
});
