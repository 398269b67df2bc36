// `node scripts/bench-ablation.mjs`: what each part of the wasm fallback adds, measured in one sitting.
// Each row runs `npm run cli -- bench` with some of our kernels switched back to tfjs-wasm's own
// (DIGIT_STUDIO_STOCK_KERNELS) and a given number of threads (DIGIT_STUDIO_THREADS); rows take turns,
// ROUNDS times (default 3), and each reports its median: single runs vary by about ±5% here.
import { spawnSync } from 'node:child_process';

// Conv2DBackpropFilter named here means the filter gradient on XNNPACK's forward convolution instead of our
// SIMD kernel (wasm lacks its own).
const SIMD = ['Conv2DBackpropFilter'];
// ConvBlock named here means training through tfjs's own layers instead of our fused conv/dense blocks.
const BLOCKS = ['ConvBlock'];
const ALL = ['Conv2DBackpropInput', 'MaxPoolGrad', 'BatchMatMul', 'Identity', 'Cast'];
const rows = [
  ['only the missing filter gradient (stock wasm otherwise), 1 thread', [...BLOCKS, ...SIMD, ...ALL], 1],
  ['+ input gradient as a forward convolution', [...BLOCKS, ...SIMD, ...ALL.slice(1)], 1],
  ['+ one-pass max-pool gradient', [...BLOCKS, ...SIMD, ...ALL.slice(2)], 1],
  ['+ plain matmuls for transposed products', [...BLOCKS, ...SIMD, ...ALL.slice(3)], 1],
  ['+ copy-free Identity/Cast', [...BLOCKS, ...SIMD], 1],
  ['+ our SIMD filter gradient (wasm/kernels.ts)', BLOCKS, 1],
  ['+ fused conv and dense blocks (wasm/kernels.ts)', [], 1],
  ['+ data-parallel over 2 threads', [], 2],
];

function bench(stock, threads) {
  const env = { ...process.env, DIGIT_STUDIO_STOCK_KERNELS: stock.join(','), DIGIT_STUDIO_THREADS: String(threads) };
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'bench', '--json'], { encoding: 'utf8', env });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)).samplesPerSecond;
}

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const samples = rows.map(() => []);
for (let round = 0; round < ROUNDS; round++) rows.forEach(([, stock, threads], i) => samples[i].push(bench(stock, threads)));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
rows.forEach(([label], i) => {
  const sps = median(samples[i]);
  console.log(`${label.padEnd(70)} ${sps.toFixed(0).padStart(6)} samples/s  ${(60000 / sps).toFixed(1).padStart(6)} s/epoch`);
});
