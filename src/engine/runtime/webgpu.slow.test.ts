// WebGPU on whatever adapter Dawn finds (SwiftShader where there is no GPU; skipped, saying why, where there
// is neither): the self-check passes, and a training step's loss and gradients on webgpu match the cpu
// backend's for the notebook's model and every variant.
import { beforeAll, describe, expect, it } from 'vitest';
import { gpuSkipReason } from '../testing/gpu.ts';
import { initBackendInfo, tf } from './backend.ts';
import { limitSplit, loadDataset, type Split } from '../data/dataset.ts';
import { createModel } from '../model/model.ts';
import { BASELINE, VARIANTS } from '../../shared/presets.ts';
import { defaultSpec, type ModelSpec } from '../../shared/spec.ts';
import { stepTensors } from '../training/step/gradients.ts';

let train: Split;
let skipped: string | null = null;
const indices = Uint32Array.from({ length: 8 }, (_, i) => i);

beforeAll(async () => {
  skipped = await gpuSkipReason();
  if (skipped) return;
  // SwiftShader is a software adapter: used only when asked for by name.
  process.env.DIGIT_STUDIO_BACKEND = 'webgpu';
  const info = await initBackendInfo({ want: 'webgpu', gpu: true });
  expect(info.name, 'WebGPU did not start on the adapter Dawn found').toBe('webgpu');
  expect(info.adapter).toBeTruthy();
  train = limitSplit((await loadDataset()).train, indices.length);
});

/** Largest difference relative to the largest reference value. */
function relative(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  return worst / scale;
}

async function step(backend: string, spec: ModelSpec) {
  await tf.setBackend(backend);
  const model = createModel(spec);
  const { grads, loss, correct } = stepTensors(model, train, indices);
  const values = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array));
  const lossValue = (await loss.data())[0];
  tf.dispose([...grads, loss, correct]);
  model.dispose();
  return { values, loss: lossValue };
}

describe('webgpu', () => {
  it.for([BASELINE, ...VARIANTS].map((p) => [p.name, p.apply(defaultSpec())] as [string, ModelSpec]))(
    '%s: a training step has the loss and gradients of the cpu backend (1e-4 relative)',
    async ([, spec], { skip }) => {
      skip(skipped !== null, skipped ?? undefined);
      const cpu = await step('cpu', spec);
      const gpu = await step('webgpu', spec);
      expect(Math.abs(gpu.loss - cpu.loss) / cpu.loss).toBeLessThan(1e-4);
      expect(gpu.values).toHaveLength(cpu.values.length);
      gpu.values.forEach((g, k) => expect(relative(g, cpu.values[k]), `weight ${k}`).toBeLessThan(1e-4));
    },
  );
});
