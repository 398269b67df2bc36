// `npm run bench:torch`: the studio's training throughput beside PyTorch's on this machine, in one sitting.
// Alternates the two (never at once: each uses every core) and reports medians and their ratio.
import { spawnSync } from 'node:child_process';

const ROUNDS = Number(process.env.ROUNDS ?? 3);

function pythonWithTorch() {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return python;
  }
  console.error('PyTorch is not installed: apt-get install python3-torch (Debian) and run again.');
  process.exit(2);
}

function run(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8', env: process.env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

const python = pythonWithTorch();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ours = [];
const torch = [];
for (let round = 1; round <= ROUNDS; round++) {
  const studio = run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'bench', '--json']);
  const reference = run(python, ['scripts/bench_torch.py']);
  ours.push(studio.samplesPerSecond);
  torch.push(reference.samplesPerSecond);
  console.log(
    `round ${round}: digit-studio (${studio.backend}, ${studio.threads} threads) ${studio.samplesPerSecond.toFixed(0)} samples/s · ` +
      `PyTorch ${reference.torch} (${reference.threads} threads) ${reference.samplesPerSecond.toFixed(0)} samples/s`,
  );
}
const ratio = median(ours) / median(torch);
console.log(
  `median: digit-studio ${median(ours).toFixed(0)} samples/s (${(60000 / median(ours)).toFixed(1)} s/epoch), PyTorch ${median(torch).toFixed(0)} samples/s (${(60000 / median(torch)).toFixed(1)} s/epoch)`,
);
console.log(`ratio digit-studio / PyTorch: ${ratio.toFixed(2)}`);
