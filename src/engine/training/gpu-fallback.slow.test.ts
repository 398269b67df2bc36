// The GPU failing, injected on whatever adapter Dawn finds (SwiftShader where there is no GPU; skipped with
// the reason where there is neither): no adapter, a failed self-check and a device lost mid-run each
// give a clear message; the lost run is failed but resumable from its last checkpoint, and the next run
// trains on the CPU.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gpuSkipReason } from '../testing/gpu.ts';
import { RunStore } from '../store/runs.ts';
import { isResumable } from '../../shared/types.ts';
import { defaultSpec, type ModelSpec } from '../../shared/spec.ts';
import { probeBackend, TrainingBackends } from './backends.ts';
import { startTraining } from './trainer.ts';
import type { TrainingEvent } from './training-messages.ts';

// A small net and batch: SwiftShader runs a GPU's work on the CPU, slowly.
const SPEC: ModelSpec = {
  ...defaultSpec(),
  conv: [{ ...defaultSpec().conv[0], filters: 4 }],
  dense: [16],
  epochs: 2,
  batchSize: 8,
};

let skipped: string | null = null;

beforeAll(async () => {
  skipped = await gpuSkipReason();
  // Automatic, native TensorFlow (where it installs) would be chosen before the GPU is tried: the fallbacks
  // tested here are those to wasm.
  process.env.DIGIT_STUDIO_NATIVE = 'off';
});
afterEach(() => {
  delete process.env.DIGIT_STUDIO_WEBGPU_FAULT;
});

describe('WebGPU failures', () => {
  it('without an adapter: asked for by name, a clear error; automatic, the CPU with the reason kept', async ({ skip }) => {
    skip(skipped !== null, skipped ?? undefined);
    process.env.DIGIT_STUDIO_WEBGPU_FAULT = 'no-adapter';
    await expect(probeBackend({ want: 'webgpu', gpu: true })).rejects.toThrow(/no WebGPU adapter/);
    const { info } = await probeBackend({ gpu: true });
    expect(info).toMatchObject({ name: 'wasm', gpuSkipped: expect.stringMatching(/no WebGPU adapter/) });
  });

  it('with an adapter that fails its self-check: the same', async ({ skip }) => {
    skip(skipped !== null, skipped ?? undefined);
    process.env.DIGIT_STUDIO_WEBGPU_FAULT = 'self-check';
    await expect(probeBackend({ want: 'webgpu', gpu: true })).rejects.toThrow(/WebGPU on .* failed its self-check/);
    const { info } = await probeBackend({ gpu: true });
    expect(info).toMatchObject({ name: 'wasm', gpuSkipped: expect.stringMatching(/failed its self-check/) });
  });

  it('a device lost mid-run: the run fails resumable, and the next run (its resumption) trains on the CPU', async ({ skip }) => {
    skip(skipped !== null, skipped ?? undefined);
    const runsRoot = mkdtempSync(join(tmpdir(), 'runs-'));
    // Measured as available: this is about a device lost mid-run, not whether a software adapter is worth choosing
    // (choose() refuses SwiftShader as slower than the CPU).
    const measuredAvailable: typeof probeBackend = async (options) => ({
      info: { name: options.want ?? 'wasm', adapter: 'a GPU' },
      samplesPerSecond: 1000,
    });
    const backends = new TrainingBackends(measuredAvailable);
    await backends.choose('webgpu');
    // Two batches an epoch: the device is lost in the second epoch, after the first epoch's checkpoint.
    process.env.DIGIT_STUDIO_WEBGPU_FAULT = 'lose-after:3';
    const events: TrainingEvent[] = [];
    const lost = startTraining({ spec: SPEC, trainLimit: 16, testLimit: 8, runsRoot, backend: backends.next() }, (event) => events.push(event));
    await expect(lost.done).rejects.toThrow(/GPU \(.*\) was lost during training.*can be resumed.*next run trains on the CPU/);
    const error = events.at(-1);
    expect(error).toMatchObject({ type: 'error', gpu: true });
    if (error?.type === 'error') backends.gpuFailed(error.message);
    const started = events.find((e) => e.type === 'started');
    const runId = started?.type === 'started' ? started.run.id : '';
    expect(started).toMatchObject({ run: { backend: 'webgpu' } });
    const failed = await new RunStore(runsRoot).read(runId);
    expect(failed).toMatchObject({ status: 'failed', epochsDone: 1 });
    expect(isResumable(failed)).toBe(true);

    delete process.env.DIGIT_STUDIO_WEBGPU_FAULT;
    expect(backends.next()).toEqual({ gpu: false });
    const resumed = startTraining({ spec: SPEC, runsRoot, resumeId: runId, backend: backends.next() }, () => undefined);
    await expect(resumed.done).resolves.toMatchObject({ id: runId, status: 'done', epochsDone: 2, backend: 'wasm' });
    // Choosing the GPU again forgives its failure.
    await backends.choose('webgpu');
    expect(backends.next()).toEqual({ want: 'webgpu', gpu: true });
  }, 480_000);
});
