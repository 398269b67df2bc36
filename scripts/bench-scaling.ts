// `npx tsx scripts/bench-scaling.ts`: why a second core speeds the wasm fallback's training up by less than 2×.
// Measures, on the notebook's LeNet-5 and batch 200, each as a median of many steps:
//  - a whole step on one thread, and on two (the data-parallel stepper: half the batch on each thread);
//  - the parts of a two-thread step: one thread's half batch alone, the same half while the other core
//    computes its own half batch (contention), and the optimizer update, which one thread does alone;
//  - the fixed cost of a share: what a step costs beyond its samples (from half and full batches);
//  - pure arithmetic: our convolution kernel alone on one core, then on both at once.
// Run it on a quiet machine: every row uses one or both cores.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { initBackend, tf } from '../src/engine/runtime/backend.ts';
import { loadDataset, type Split } from '../src/engine/data/dataset.ts';
import { createModel, createOptimizer } from '../src/engine/model/model.ts';
import { shareGradients, trainableVariables } from '../src/engine/training/step/gradients.ts';
import { createStepper } from '../src/engine/training/step/stepper.ts';
import { createSimdKernels } from '../src/engine/runtime/kernels/simd/module.ts';
import { defaultSpec } from '../src/shared/spec.ts';

const STEPS = Number(process.env.STEPS ?? 60);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (from: number, count: number) => Uint32Array.from({ length: count }, (_, i) => from + i);

/** Milliseconds of `f`, median of STEPS runs after WARMUP runs (a new thread's code is optimized as it runs). */
const WARMUP = 20;
async function time(f: () => unknown): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < STEPS + WARMUP; i++) {
    const t = performance.now();
    await f();
    if (i >= WARMUP) ms.push(performance.now() - t);
  }
  return median(ms);
}

/** conv1's forward convolution alone on a batch of `n` (our kernel, no tfjs), repeated for `ms`: samples per second. */
function convOnly(n: number, ms: number): number {
  const k = createSimdKernels('plain');
  const [xp, w, bias, out] = k.reserve(n * 32 * 32 * 4, 5 * 5 * 8 * 4, 8 * 4, n * 28 * 28 * 8 * 4);
  k.floats(xp, n * 32 * 32).fill(0.5);
  k.floats(w, 5 * 5 * 8).fill(0.1);
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    k.exports.conv(xp, w, bias, out, n, 32, 32, 1, 28, 28, 8, 5, 5, 2, 30);
    count += n;
  }
  return count / ((performance.now() - start) / 1000);
}

/** Gradients of a share, freed. */
function share(model: tf.LayersModel, split: Split, indices: Uint32Array): void {
  tf.dispose(shareGradients(model, split, indices).grads);
}

if (!isMainThread && workerData === 'conv') {
  parentPort!.postMessage(convOnly(200, 3000));
} else if (!isMainThread) {
  // The other core: half batches, as a replica computes them, until told to stop.
  await initBackend();
  const { train } = await loadDataset();
  const model = createModel(defaultSpec());
  let running = true;
  parentPort!.on('message', () => (running = false));
  for (let i = 0; running; i++) {
    share(model, train, range(100, 100));
    if (i === WARMUP) parentPort!.postMessage('ready');
    await new Promise((resolve) => setImmediate(resolve));
  }
  parentPort!.postMessage('stopped');
} else {
  const backend = await initBackend();
  const spec = defaultSpec();
  const { train } = await loadDataset();
  const model = createModel(spec);
  const optimizer = createOptimizer(spec);
  const variables = trainableVariables(model);

  const half = await time(() => share(model, train, range(0, 100)));
  const full = await time(() => share(model, train, range(0, 200)));
  const grads = shareGradients(model, train, range(0, 200)).grads;
  const apply = await time(() => optimizer.applyGradients(variables.map((v, k) => ({ name: v.name, tensor: grads[k].clone() }))));
  tf.dispose(grads);

  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const other = new Worker(boot, { eval: true });
  await new Promise((resolve) => other.once('message', resolve));
  const contended = await time(() => share(model, train, range(0, 100)));
  other.postMessage('stop');
  await new Promise((resolve) => other.once('message', resolve));
  await other.terminate();

  const stepOf = async (threads: number) => {
    const stepper = createStepper(model, optimizer, train, threads);
    const ms = await time(() => stepper.step(range(0, 200)));
    await stepper.dispose();
    return ms;
  };
  const one = await stepOf(1);
  const two = await stepOf(2);

  // Pure arithmetic on both cores: the convolution kernel alone, on one core and then on both at once.
  convOnly(200, 500);
  const convAlone = convOnly(200, 3000);
  const convThread = new Worker(boot, { eval: true, workerData: 'conv' });
  const convTogether = convOnly(200, 3000);
  await new Promise((resolve) => convThread.once('message', resolve));
  await convThread.terminate();

  const perSample = (full - half) / 100;
  const fixed = half - 100 * perSample;
  const row = (label: string, ms: number) => console.log(`${label.padEnd(72)} ${ms.toFixed(1).padStart(6)} ms`);
  console.log(`backend ${backend}, LeNet-5, batch 200, medians of ${STEPS} steps`);
  row('step on 1 thread (gradients of 200 + update)', one);
  row('step on 2 threads (data-parallel)', two);
  console.log(`speed-up of the second core: ${(one / two).toFixed(2)}×`);
  row('gradients of 200 samples, one thread', full);
  row('gradients of 100 samples, one thread, other core idle', half);
  row('gradients of 100 samples, one thread, other core computing its 100', contended);
  row('  of which fixed per share (tfjs ops, batch, loss: paid by both threads)', fixed);
  row('optimizer update (adam), on one thread only', apply);
  console.log(
    `the convolution kernel alone: ${convAlone.toFixed(0)} samples/s on one core, ${convTogether.toFixed(0)} while the other core runs it too (${((convTogether / convAlone - 1) * 100).toFixed(0)}%)`,
  );
  console.log(
    `contention slows a share by ${((contended / half - 1) * 100).toFixed(0)}%; a share's fixed cost is ${((fixed / half) * 100).toFixed(0)}% of it; ` +
      `the update is ${((apply / two) * 100).toFixed(0)}% of a two-thread step`,
  );
}
