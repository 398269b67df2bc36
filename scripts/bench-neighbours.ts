// `npx tsx scripts/bench-neighbours.ts [--queries N]`: how long the nearest-digits index takes to build for the
// bundled LeNet-5 (all 60,000 training digits, in this thread as the worker does), how much memory it holds,
// how long one query takes (embedding the input, then the brute-force search alone), and what keeping one
// epoch's weights costs on disk.
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/runtime/backend.ts';
import { loadDataset, PIXELS } from '../src/engine/data/dataset.ts';
import { bundledModelDir } from '../src/engine/model/bundled.ts';
import { readModel, writeModel } from '../src/engine/model/model-io.ts';
import { createModel } from '../src/engine/model/model.ts';
import { buildIndex, embedFields } from '../src/engine/model/neighbours.ts';
import { defaultSpec } from '../src/shared/spec.ts';

const { values } = parseArgs({ options: { queries: { type: 'string' } } });
const QUERIES = Number(values.queries ?? 200);

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const ms = (x: number) => `${x.toFixed(2)} ms`;

const backend = await initBackend();
const dataset = await loadDataset();
const model = await readModel(bundledModelDir());
let began = performance.now();
const buildCpu = process.cpuUsage();
const index = await buildIndex(model, dataset.train);
const buildSeconds = (performance.now() - began) / 1000;
const buildCpuSeconds = process.cpuUsage(buildCpu).user / 1e6;
console.log(
  `backend ${backend}; index of ${index.count} training digits × ${index.width} activations built in ${buildSeconds.toFixed(1)} s (${buildCpuSeconds.toFixed(1)} s of CPU)`,
);
console.log(`index memory: ${(index.embeddings.byteLength / 1024 ** 2).toFixed(1)} MiB of embeddings + ${index.labels.byteLength} bytes of labels`);

const search: number[] = [];
// CPU time too: on a shared machine the wall clock also counts other processes' turns.
const searchCpu: number[] = [];
const whole: number[] = [];
for (let q = 0; q < QUERIES; q++) {
  const i = (q * 37) % dataset.test.count;
  const field = Float32Array.from(dataset.test.pixels.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v / 255);
  began = performance.now();
  const embedding = await embedFields(model, field);
  const searched = performance.now();
  const cpu = process.cpuUsage();
  index.nearest(embedding, 8);
  const done = performance.now();
  searchCpu.push(process.cpuUsage(cpu).user / 1000);
  search.push(done - searched);
  whole.push(done - began);
}
console.log(
  `${QUERIES} queries, top 8: search median ${ms(percentile(search, 0.5))}, p95 ${ms(percentile(search, 0.95))}, max ${ms(Math.max(...search))}`,
);
console.log(`search CPU time: median ${ms(percentile(searchCpu, 0.5))}, p95 ${ms(percentile(searchCpu, 0.95))}`);
console.log(`embedding + search: median ${ms(percentile(whole, 0.5))}, p95 ${ms(percentile(whole, 0.95))}`);

// One kept epoch: the default LeNet-5's model.json + weights.bin, as the run store writes it.
const dir = mkdtempSync(join(tmpdir(), 'epoch-'));
await writeModel(dir, createModel(defaultSpec()));
const bytes = readdirSync(dir).map((name) => [name, statSync(join(dir, name)).size] as const);
console.log(
  `one kept epoch of the default LeNet-5: ${bytes.reduce((n, [, b]) => n + b, 0).toLocaleString('en-US')} bytes (${bytes.map(([n, b]) => `${n} ${b.toLocaleString('en-US')}`).join(', ')})`,
);
