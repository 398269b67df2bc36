// The parts of the WebGPU backend that need no GPU: the adapter's name, the labels, the injected faults,
// and which backend the studio asks for after a GPU failed.
import { describe, expect, it } from 'vitest';
import { adapterName, gpuFaultFromEnv, mayHaveGpu } from './webgpu.ts';
import { backendLabel } from './backend.ts';
import { probeBackend, TrainingBackends } from '../training/backends.ts';
import { UserError } from '../errors.ts';

/** A stand-in for the probe threads: no TensorFlow installed, a GPU, and WebAssembly. */
function probing(): typeof probeBackend {
  return async ({ want }) => {
    if (want === 'tensorflow') throw new UserError('the backend chosen (tensorflow) needs @tensorflow/tfjs-node, which is not installed');
    if (want === 'webgpu') return { info: { name: 'webgpu', adapter: 'Test GPU' }, samplesPerSecond: 9000 };
    return { info: { name: 'wasm' }, samplesPerSecond: 3000 };
  };
}

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

  it('sends the next runs to the CPU after a GPU failure, until the person chooses the GPU again', async () => {
    const backends = new TrainingBackends(probing());
    expect(backends.next()).toEqual({ gpu: true });
    backends.gpuFailed('the GPU was lost');
    expect(backends.next()).toEqual({ gpu: false });
    await backends.choose('wasm');
    expect(backends.next()).toEqual({ want: 'wasm', gpu: true });
    await backends.choose('webgpu');
    expect(backends.next()).toEqual({ want: 'webgpu', gpu: true });
  });

  it('refuses a backend measured as unavailable, naming why, and keeps the choice as it was', async () => {
    const backends = new TrainingBackends(probing());
    await backends.choose('wasm');
    await expect(backends.choose('tensorflow')).rejects.toThrow(
      /^CPU \(TensorFlow\) cannot train on this machine: the backend chosen \(tensorflow\) needs @tensorflow\/tfjs-node/,
    );
    await expect(backends.choose('tensorflow')).rejects.toBeInstanceOf(UserError);
    expect(backends.next()).toEqual({ want: 'wasm', gpu: true });
    expect((await backends.report()).chosen).toBe('wasm');
  });

  it('answers parallel choices each with its own choice; the last one made stands', async () => {
    const backends = new TrainingBackends(probing());
    const [automatic, wasm, gpu] = await Promise.all([backends.choose(null), backends.choose('wasm'), backends.choose('webgpu')]);
    expect([automatic.chosen, wasm.chosen, gpu.chosen]).toEqual([null, 'wasm', 'webgpu']);
    expect([wasm.backend, gpu.backend]).toEqual(['wasm', 'webgpu']);
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
