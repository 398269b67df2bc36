// The parts of the WebGPU backend that need no GPU: the adapter's name, the labels, the injected faults,
// and which backend the studio asks for after a GPU failed.
import { describe, expect, it } from 'vitest';
import { adapterName, gpuFaultFromEnv, mayHaveGpu } from './webgpu.ts';
import { backendLabel } from './backend.ts';
import { TrainingBackends } from '../training/backends.ts';

describe('webgpu', () => {
  it('names an adapter by its description, else vendor and architecture', () => {
    expect(adapterName({ description: 'NVIDIA GeForce RTX 4060', vendor: 'nvidia' })).toBe('NVIDIA GeForce RTX 4060');
    expect(adapterName({ description: '', vendor: 'apple', architecture: 'metal-3' })).toBe('apple metal-3');
    expect(adapterName(undefined)).toBe('unnamed adapter');
  });

  it('labels what trains as the window shows it', () => {
    expect(backendLabel('webgpu', 'Apple M2')).toBe('GPU: Apple M2');
    expect(backendLabel('tensorflow')).toBe('CPU (TensorFlow)');
    expect(backendLabel('wasm')).toBe('CPU (WebAssembly)');
  });

  it('reads injected faults and refuses unknown ones', () => {
    expect(gpuFaultFromEnv(undefined)).toBeNull();
    expect(gpuFaultFromEnv('no-adapter')).toBe('no-adapter');
    expect(gpuFaultFromEnv('lose-after:3')).toEqual({ loseAfterSteps: 3 });
    expect(() => gpuFaultFromEnv('melt')).toThrow(/not one of no-adapter, self-check, lose-after/);
  });

  it('sends the next runs to the CPU after a GPU failure, until the person chooses the GPU again', () => {
    const backends = new TrainingBackends();
    expect(backends.next()).toEqual({ gpu: true });
    backends.gpuFailed('the GPU was lost');
    expect(backends.next()).toEqual({ gpu: false });
    backends.choose('wasm');
    expect(backends.next()).toEqual({ want: 'wasm', gpu: true });
    backends.choose('webgpu');
    expect(backends.next()).toEqual({ want: 'webgpu', gpu: true });
  });

  it('asks Dawn automatically only where a GPU may be: on Linux, a render node or an NVIDIA device', () => {
    expect(mayHaveGpu('linux', () => [])).toBe(false);
    expect(mayHaveGpu('linux', () => ['renderD128'])).toBe(true);
    expect(mayHaveGpu('linux', () => ['nvidia0'])).toBe(true);
    expect(mayHaveGpu('darwin', () => [])).toBe(true);
    expect(mayHaveGpu('win32', () => [])).toBe(true);
  });
});
