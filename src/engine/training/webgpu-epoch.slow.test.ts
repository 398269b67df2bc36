// An epoch on WebGPU (any adapter Dawn finds, SwiftShader where there is no GPU; skipped with the reason
// where there is neither) against the cpu backend: 1,000 samples with the same seed
// end within 2% of the cpu's loss, and tfjs's memory stays flat from step to step.
import { beforeAll, describe, expect, it } from 'vitest';
import { gpuSkipReason } from '../testing/gpu.ts';
import { initBackendInfo, tf } from '../runtime/backend.ts';
import { limitSplit, loadDataset, type Dataset } from '../data/dataset.ts';
import { createModel, createOptimizer } from '../model/model.ts';
import { defaultSpec, type ModelSpec } from '../../shared/spec.ts';
import { train } from './train.ts';

// The notebook's layers, narrowed so that SwiftShader (a GPU emulated on the CPU) runs 20 steps in a minute or two.
const SPEC: ModelSpec = { ...defaultSpec(), conv: [{ ...defaultSpec().conv[0], filters: 4 }], dense: [32], epochs: 1, batchSize: 50 };
let dataset: Dataset;
let skipped: string | null = null;

beforeAll(async () => {
  skipped = await gpuSkipReason();
  if (skipped) return;
  // SwiftShader is a software adapter: used only when asked for by name.
  process.env.DIGIT_STUDIO_BACKEND = 'webgpu';
  expect((await initBackendInfo({ want: 'webgpu', gpu: true })).name).toBe('webgpu');
  dataset = await loadDataset();
});

async function epoch(backend: string) {
  await tf.setBackend(backend);
  const model = createModel(SPEC);
  const optimizer = createOptimizer(SPEC);
  const memory: { tensors: number; bytes: number }[] = [];
  const { history } = await train(
    model,
    optimizer,
    { train: limitSplit(dataset.train, 1000), test: limitSplit(dataset.test, 50) },
    { batchSize: SPEC.batchSize, epochs: 1, seed: SPEC.seed },
    { onBatchEnd: () => void memory.push({ tensors: tf.memory().numTensors, bytes: tf.memory().numBytes }) },
  );
  model.dispose();
  optimizer.dispose();
  return { loss: history[0].loss, memory };
}

describe('an epoch on webgpu', () => {
  it('ends within 2% of the cpu backend’s loss, with memory flat from step to step', async ({ skip }) => {
    skip(skipped !== null, skipped ?? undefined);
    const cpu = await epoch('cpu');
    const gpu = await epoch('webgpu');
    expect(gpu.memory).toHaveLength(20);
    // After the first step (which creates the optimizer's slots), every step leaves what it found.
    for (const after of gpu.memory.slice(2)) expect(after).toEqual(gpu.memory[1]);
    expect(Math.abs(gpu.loss - cpu.loss) / cpu.loss).toBeLessThan(0.02);
  }, 600_000);
});
