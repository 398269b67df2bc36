// `valgrind --tool=callgrind --instr-atstart=no node --import tsx scripts/step-instructions.ts STEPS`:
// STEPS single-thread training steps of the default LeNet-5 at batch 200 on the wasm fallback, for
// instruction counts that do not depend on the machine's load. Start-up and two warm-up steps run
// uninstrumented; the script turns callgrind's instrumentation on (callgrind_control) for the STEPS steps
// only, so "Collected" divided by STEPS is the instructions per step. Run it with and without
// DIGIT_STUDIO_STOCK_KERNELS=... to compare kernels.
import { spawnSync } from 'node:child_process';
import { initBackend, tf } from '../src/engine/runtime/backend.ts';
import { loadDataset } from '../src/engine/data/dataset.ts';
import { createModel, createOptimizer } from '../src/engine/model/model.ts';
import { shareGradients, trainableVariables } from '../src/engine/training/step/gradients.ts';
import { defaultSpec } from '../src/shared/spec.ts';

const steps = Number(process.argv[2] ?? 10);
const backend = await initBackend();
const spec = defaultSpec();
const dataset = await loadDataset();
const model = createModel(spec);
const optimizer = createOptimizer(spec);
const variables = trainableVariables(model);
const step = (k: number) => {
  const indices = Uint32Array.from({ length: spec.batchSize }, (_, i) => (k * spec.batchSize + i) % dataset.train.count);
  const { grads } = shareGradients(model, dataset.train, indices);
  optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: grads[i] })));
  tf.dispose(grads);
};
const instrument = (on: boolean) => spawnSync('callgrind_control', ['-i', on ? 'on' : 'off', String(process.pid)], { stdio: 'ignore' });
// Two warm-up steps (compilation, first allocations) outside the count.
for (let k = 0; k < 2; k++) step(k);
instrument(true);
for (let k = 2; k < 2 + steps; k++) step(k);
instrument(false);
console.log(JSON.stringify({ backend, steps, stock: process.env.DIGIT_STUDIO_STOCK_KERNELS ?? '' }));
