// Export and import in the Model place against the fake engine: a download per file under its own name,
// Electron's saved folder said instead, uploaded files sent as the contract's base64 in one request, and the
// engine's message shown when it refuses them.
import { cleanup, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InvokeInput } from '../../../shared/contract';
import { bytesOf } from '../lib/exchange';
import { StudioState } from '../lib/studio.svelte';
import { fakeEngine } from '../testing/fake-api';
import ModelExchange from './ModelExchange.svelte';

afterEach(cleanup);
const downloads: { name: string; bytes: number[] }[] = [];
const blobs = new Map<string, Blob>();
beforeEach(() => {
  downloads.length = 0;
  let n = 0;
  URL.createObjectURL = (blob: Blob) => {
    const url = `blob:test/${++n}`;
    blobs.set(url, blob);
    return url;
  };
  URL.revokeObjectURL = () => undefined;
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    void bytesOf(blobs.get(this.href)!).then((bytes) => downloads.push({ name: this.download, bytes: [...bytes] }));
  });
});

async function setUp() {
  const api = fakeEngine();
  const studio = new StudioState(api);
  await studio.load();
  render(ModelExchange, { studio });
  return { api, studio, user: userEvent.setup() };
}

describe('model files in and out of the window', () => {
  it('downloads each exported file under its own name, with its bytes', async () => {
    const { api, user } = await setUp();
    api.handle('model:export', () => ({
      folder: 'digit-studio-bundled',
      files: [
        { name: 'model.json', base64: btoa('{"a":1}') },
        { name: 'weights.bin', base64: btoa('\x00\x01\x02') },
        { name: 'manifest.json', base64: btoa('{}') },
      ],
    }));
    await user.click(screen.getByRole('button', { name: 'Export model' }));
    await waitFor(() => expect(downloads).toHaveLength(3));
    expect(downloads).toEqual([
      { name: 'model.json', bytes: [...new TextEncoder().encode('{"a":1}')] },
      { name: 'weights.bin', bytes: [0, 1, 2] },
      { name: 'manifest.json', bytes: [...new TextEncoder().encode('{}')] },
    ]);
    expect(api.count('model:export')).toBe(1);
  });

  it("says where Electron's dialog saved the folder, and downloads nothing; a cancel says nothing", async () => {
    const { api, studio, user } = await setUp();
    api.handle('model:export', () => ({ folder: '/home/me/lenet', files: [], savedTo: '/home/me/lenet' }));
    await user.click(screen.getByRole('button', { name: 'Export model' }));
    await waitFor(() => expect(studio.notice?.text).toBe('Exported the active model to /home/me/lenet.'));
    studio.notice = null;
    api.handle('model:export', () => ({ folder: '', files: [] }));
    await user.click(screen.getByRole('button', { name: 'Export model' }));
    await waitFor(() => expect(api.count('model:export')).toBe(2));
    expect(studio.notice).toBeNull();
    expect(downloads).toEqual([]);
  });

  it('sends the chosen files in one model:import and says which model is now used', async () => {
    const { api, studio, user } = await setUp();
    api.handle('model:import', () => ({ id: '20261128-100000-aaaa', label: 'run 20261128-100000-aaaa', testAccuracy: null }));
    const files = [new File(['{"m":1}'], 'model.json'), new File([new Uint8Array([7, 8, 9])], 'weights.bin')];
    await user.upload(screen.getByLabelText(/Import model/), files);
    await waitFor(() => expect(studio.notice?.text).toBe('Imported: now predicting with run 20261128-100000-aaaa.'));
    expect(api.payloads['model:import']).toEqual([
      {
        files: [
          { name: 'model.json', base64: btoa('{"m":1}') },
          { name: 'weights.bin', base64: btoa('\x07\x08\x09') },
        ],
      },
    ] satisfies InvokeInput<'model:import'>[]);
  });

  it("shows the engine's refusal beside the buttons", async () => {
    const { api, user } = await setUp();
    api.handle('model:import', () => {
      throw new Error('the upload has no weights.bin: choose model.json and weights.bin together');
    });
    await user.upload(screen.getByLabelText(/Import model/), [new File(['{}'], 'model.json')]);
    expect((await screen.findByRole('alert')).textContent).toBe('the upload has no weights.bin: choose model.json and weights.bin together');
  });

  it('names a wrongly named file in words and sends nothing; a typed name goes with the import (issue 29, items 6 and 11)', async () => {
    const { api, user } = await setUp();
    api.handle('model:import', () => ({ id: '20261128-100000-aaaa', label: 'my LeNet', testAccuracy: 0.99, declared: true }));
    await user.upload(screen.getByLabelText(/Import model/), [new File(['{}'], 'model.json'), new File(['x'], 'weights (1).bin')]);
    expect((await screen.findByRole('alert')).textContent).toBe(
      'weights (1).bin is not a file of a TF.js model: choose model.json and weights.bin (and manifest.json), named exactly so',
    );
    expect(api.count('model:import')).toBe(0);
    await user.type(screen.getByTestId('import-name'), 'my LeNet');
    await user.upload(screen.getByLabelText(/Import model/), [new File(['{}'], 'model.json'), new File(['x'], 'weights.bin')]);
    await waitFor(() => expect(api.count('model:import')).toBe(1));
    expect((api.payloads['model:import']![0] as InvokeInput<'model:import'>).name).toBe('my LeNet');
  });
});
