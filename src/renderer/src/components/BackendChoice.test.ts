// Choosing what trains: the backends come with their measured speeds; one that could not start cannot be
// chosen; a choice goes to the engine and the header hears what the next run trains on.
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { TrainingBackend, TrainingBackendsReport } from '../../../shared/contract';
import { fakeEngine } from '../testing/fake-api';
import BackendChoice from './BackendChoice.svelte';

const options: TrainingBackendsReport['options'] = [
  { name: 'tensorflow', label: 'CPU (TensorFlow)', samplesPerSecond: null, problem: 'tfjs-node is not installed' },
  { name: 'webgpu', label: 'GPU: Test GPU', adapter: 'Test GPU', samplesPerSecond: 25_000 },
  { name: 'wasm', label: 'CPU (WebAssembly)', samplesPerSecond: 4_300 },
];

describe('BackendChoice', () => {
  it('measures on request, offers what can run with its speed, and sends the choice', async () => {
    const api = fakeEngine();
    api.handle('training:backends', () => ({ options, chosen: null, backend: 'webgpu', backendLabel: 'GPU: Test GPU' }));
    api.handle('training:chooseBackend', (payload) => {
      const { backend } = payload as { backend: 'wasm' | null };
      return { options, chosen: backend, backend: backend ?? 'webgpu', backendLabel: backend ? 'CPU (WebAssembly)' : 'GPU: Test GPU' };
    });
    const heard: TrainingBackend[] = [];
    render(BackendChoice, { api, onchoose: (shown: TrainingBackend) => heard.push(shown) });
    expect(api.count('training:backends')).toBe(0);
    await fireEvent.click(screen.getByTestId('backend-measure'));
    const select = (await screen.findByTestId('backend-select')) as HTMLSelectElement;
    const shown = [...select.options].map((o) => [o.value, o.textContent?.trim(), o.disabled]);
    expect(shown).toEqual([
      ['auto', 'automatic', false],
      ['tensorflow', 'CPU (TensorFlow) — unavailable', true],
      ['webgpu', 'GPU: Test GPU — 25,000 samples/s', false],
      ['wasm', 'CPU (WebAssembly) — 4,300 samples/s', false],
    ]);
    expect(screen.getByTestId('backend-next').textContent).toBe('next run: GPU: Test GPU');
    await fireEvent.change(select, { target: { value: 'wasm' } });
    await waitFor(() => expect(screen.getByTestId('backend-next').textContent).toBe('next run: CPU (WebAssembly)'));
    expect(api.payloads['training:chooseBackend']).toEqual([{ backend: 'wasm' }]);
    expect(heard.at(-1)).toMatchObject({ backend: 'wasm', backendLabel: 'CPU (WebAssembly)' });
  });
});
