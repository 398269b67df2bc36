// How well the studio reads whole numbers: three generated sets of numbers composed from MNIST *test*
// digits (with gaps; with one touching pair; on a paper look), read with the bundled model through the
// same path as `cli read`. Prints whole-number exact accuracy per set. Deterministic: a fixed seed.
//   npx tsx scripts/bench-read.ts [--count N] [--json]
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/runtime/backend.ts';
import { loadDataset } from '../src/engine/data/dataset.ts';
import { bundledModelDir } from '../src/engine/model/bundled.ts';
import { readModel } from '../src/engine/model/model-io.ts';
import { readNumberImage } from '../src/engine/model/read.ts';
import { composeNumber, type ComposeOptions } from '../src/engine/testing/compose.ts';
import { rng } from '../src/engine/data/batches.ts';

const { values } = parseArgs({ options: { count: { type: 'string' }, json: { type: 'boolean' }, seed: { type: 'string' } } });
const count = Number(values.count ?? 200);
const seed = Number(values.seed ?? 2026);

type SetName = 'gaps' | 'touching' | 'paper';
const INKS: [number, number, number][] = [
  [20, 30, 150], // blue ballpoint
  [25, 25, 30], // black
  [150, 20, 25], // red
  [20, 90, 40], // green
];

/** One number of a set: its digits (test indices) and how it is written. */
function numberOf(set: SetName, random: () => number, testCount: number): { indices: number[]; options: ComposeOptions } {
  const length = 2 + Math.floor(random() * 5);
  const indices = Array.from({ length }, () => Math.floor(random() * testCount));
  const size = 36 + Math.floor(random() * 60);
  const options: ComposeOptions = {
    size,
    gap: Math.round(size * (0.08 + random() * 0.3)),
    drift: Math.round(size * 0.1),
    seed: Math.floor(random() * 2 ** 31),
  };
  if (set === 'touching') options.touch = 1 + Math.floor(random() * (length - 1));
  if (set === 'paper') {
    const tone = 225 + Math.floor(random() * 25);
    options.paper = {
      paper: [tone, tone - Math.floor(random() * 12), tone - 10 - Math.floor(random() * 20)],
      ink: INKS[Math.floor(random() * INKS.length)],
      shading: 0.15 + random() * 0.35,
      noise: 4 + random() * 8,
    };
    options.slant = (random() * 2 - 1) * 0.15;
  }
  return { indices, options };
}

await initBackend();
const model = await readModel(bundledModelDir());
const { test } = await loadDataset();
const results: Record<SetName, { count: number; exact: number; digits: number; digitsRight: number; wrongCount: number }> = {
  gaps: { count: 0, exact: 0, digits: 0, digitsRight: 0, wrongCount: 0 },
  touching: { count: 0, exact: 0, digits: 0, digitsRight: 0, wrongCount: 0 },
  paper: { count: 0, exact: 0, digits: 0, digitsRight: 0, wrongCount: 0 },
};
for (const set of Object.keys(results) as SetName[]) {
  const random = rng(seed + set.length);
  const r = results[set];
  for (let n = 0; n < count; n++) {
    const { indices, options } = numberOf(set, random, test.count);
    const composed = composeNumber(test, indices, options);
    let read = '';
    try {
      read = (await readNumberImage(model, composed.image)).number;
    } catch {
      read = '';
    }
    r.count++;
    r.digits += composed.number.length;
    if (read === composed.number) r.exact++;
    if (read.length !== composed.number.length) r.wrongCount++;
    else for (let k = 0; k < read.length; k++) if (read[k] === composed.number[k]) r.digitsRight++;
    if (process.env.BENCH_VERBOSE && read !== composed.number) console.log(set, composed.number, read);
  }
}
const GOALS: Record<SetName, number> = { gaps: 0.95, touching: 0.85, paper: 0.9 };
if (values.json) {
  console.log(JSON.stringify({ seed, count, results }));
} else {
  console.log(`bundled model, ${count} numbers per set (2–6 digits from MNIST's test split), seed ${seed}`);
  for (const set of Object.keys(results) as SetName[]) {
    const r = results[set];
    const exact = r.exact / r.count;
    console.log(
      `${set.padEnd(9)} whole numbers exact ${(exact * 100).toFixed(1)}% (${r.exact}/${r.count}; goal ≥ ${GOALS[set] * 100}%)` +
        ` — wrong digit count ${r.wrongCount}, digits right where the count is right ${((r.digitsRight / Math.max(1, r.digits)) * 100).toFixed(1)}%`,
    );
  }
}
