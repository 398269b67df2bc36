// How well the studio reads whole numbers: five generated sets of numbers composed from MNIST *test*
// digits (with gaps; with one touching pair; on a paper look; condensed; on grey paper under uneven light),
// read with the bundled models through the same path as `cli read`. Prints whole-number exact accuracy per
// set and the time per number. Deterministic: a fixed seed.
//   npx tsx scripts/bench-read.ts [--count N] [--sets a,b] [--json] [--model DIR] [--reader DIR | --no-reader]
//   npx tsx scripts/bench-read.ts --speed     (the time to read a 6-digit number and a 1200-px photo)
//   npx tsx scripts/bench-read.ts --hostile   (the time to answer payloads that stalled the last release's reader)
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/runtime/backend.ts';
import { loadDataset } from '../src/engine/data/dataset.ts';
import { bundledModelDir, bundledReadingDir } from '../src/engine/model/bundled.ts';
import { readModel } from '../src/engine/model/model-io.ts';
import { readNumber, readNumberImage } from '../src/engine/model/read.ts';
import { encodePng } from '../src/engine/data/png.ts';
import type { ReadInput } from '../src/shared/contract.ts';
import { composeNumber, type ComposeOptions } from '../src/engine/testing/compose.ts';
import { rng } from '../src/engine/data/batches.ts';
import { writeFile } from 'node:fs/promises';
import { PNG } from 'pngjs';

/** Save a failing image for a look (BENCH_SAVE=folder). */
async function writePng(path: string, image: { width: number; height: number; data: ArrayLike<number> }): Promise<void> {
  const png = new PNG({ width: image.width, height: image.height });
  for (let i = 0; i < image.width * image.height; i++) {
    for (let c = 0; c < 3; c++) png.data[i * 4 + c] = image.data[i * 3 + c];
    png.data[i * 4 + 3] = 255;
  }
  await writeFile(path, PNG.sync.write(png));
}

const { values } = parseArgs({
  options: {
    count: { type: 'string' },
    json: { type: 'boolean' },
    seed: { type: 'string' },
    model: { type: 'string' },
    reader: { type: 'string' },
    'no-reader': { type: 'boolean' },
    sets: { type: 'string' },
    speed: { type: 'boolean' },
    hostile: { type: 'boolean' },
  },
});
const count = Number(values.count ?? 200);
const seed = Number(values.seed ?? 2026);

const SETS = ['gaps', 'touching', 'paper', 'condensed', 'uneven'] as const;
type SetName = (typeof SETS)[number];
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
  if (set === 'condensed') {
    options.condense = 0.55 + random() * 0.15;
    options.gap = Math.round(size * (0.04 + random() * 0.12));
  }
  if (set === 'uneven') {
    const grey = 150 + Math.floor(random() * 60);
    options.paper = {
      paper: [grey, grey, grey - Math.floor(random() * 15)],
      ink: INKS[Math.floor(random() * INKS.length)],
      shading: random() * 0.3,
      noise: 3 + random() * 6,
    };
    options.light = { bands: 0.2 + random() * 0.3, vignette: 0.2 + random() * 0.4, period: 0.8 + random() * 1.2, angle: random() * Math.PI };
  }
  return { indices, options };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** An RGB image scaled (nearest neighbour) to `width` wide. */
function scaledTo(image: { width: number; height: number; data: ArrayLike<number> }, width: number) {
  const height = Math.round((image.height * width) / image.width);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const from = (Math.floor((y * image.height) / height) * image.width + Math.floor((x * image.width) / width)) * 3;
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = image.data[from + c];
    }
  return { width, height, channels: 3 as const, data };
}

await initBackend();
const model = await readModel(values.model ?? bundledModelDir());
const judge = values['no-reader'] ? null : await readModel(values.reader ?? bundledReadingDir());
const { test } = await loadDataset();
if (values.hostile) {
  // Payloads that stalled the last release's reader (issue 27, item 1): each must answer within 2 s.
  const png = (w: number, h: number, px: (x: number, y: number) => number) => {
    const data = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([px(x, y), px(x, y), px(x, y), 255], (y * w + x) * 4);
    return Buffer.from(encodePng({ width: w, height: h, data })).toString('base64');
  };
  const cases: [string, ReadInput][] = [
    ['a black block over most of 1200×800', { png: png(1200, 800, (x, y) => (x > 100 && x < 1100 && y > 100 && y < 700 ? 0 : 255)) }],
    [
      'a 1200×800 photo with a dark band',
      { png: png(1200, 800, (x, y) => (y > 300 && y < 500 ? 60 : 220) - (x % 150 > 60 && x % 150 < 75 && y > 200 && y < 600 ? 50 : 0)) },
    ],
    [
      'one 200-px stroke across 4096² (106 bytes)',
      {
        strokes: [
          {
            width: 200,
            points: [
              [0, 0],
              [4096, 4096],
            ],
          },
        ],
        canvas: { width: 4096, height: 4096 },
      },
    ],
    [
      '20,000 points with a 200-px pen across 4096²',
      {
        strokes: Array.from({ length: 4 }, (_, s) => ({
          width: 200,
          points: Array.from({ length: 5000 }, (_, k) => [(k * 37 + s * 500) % 4096, (k * 91) % 4096] as [number, number]),
        })),
        canvas: { width: 4096, height: 4096 },
      },
    ],
  ];
  for (const [name, input] of cases) {
    const start = performance.now();
    let said: string;
    try {
      said = `read ${(await readNumber(model, input, judge)).number.slice(0, 12)}`;
    } catch (err) {
      said = `refused: ${(err as Error).message}`;
    }
    console.log(`${name}: ${(performance.now() - start).toFixed(0)} ms (${said})`);
  }
  process.exit(0);
}

if (values.speed) {
  // Time alone: a 6-digit number written 56 px high, and a 1200×800 photo of one under uneven light.
  const sixDigits = composeNumber(test, [3, 1, 4, 1, 5, 9], { size: 56, seed: 1 }).image;
  const photo = scaledTo(
    composeNumber(test, [7, 3, 9, 5], {
      size: 200,
      seed: 2,
      paper: { paper: [168, 168, 160], ink: [20, 30, 150], shading: 0.2, noise: 6 },
      light: { bands: 0.4, vignette: 0.5, period: 1, angle: 0.5 },
    }).image,
    1200,
  );
  for (const [name, image, times] of [
    ['a 6-digit number', sixDigits, 21],
    [`a ${photo.width}×${photo.height} photo`, photo, 9],
  ] as const) {
    const ms: number[] = [];
    let read = '';
    for (let k = 0; k < times; k++) {
      const start = performance.now();
      read = (await readNumberImage(model, image, name, judge)).number;
      ms.push(performance.now() - start);
    }
    console.log(`${name}: median ${median(ms).toFixed(0)} ms over ${times} reads (read ${read})`);
  }
  process.exit(0);
}

const chosen = (values.sets?.split(',') ?? SETS) as SetName[];
const results = Object.fromEntries(chosen.map((set) => [set, { count: 0, exact: 0, digits: 0, digitsRight: 0, wrongCount: 0, ms: [] as number[] }]));
for (const set of chosen) {
  const random = rng(seed + set.length);
  const r = results[set];
  for (let n = 0; n < count; n++) {
    const { indices, options } = numberOf(set, random, test.count);
    const composed = composeNumber(test, indices, options);
    let read = '';
    try {
      const start = performance.now();
      read = (await readNumberImage(model, composed.image, 'the image', judge)).number;
      r.ms.push(performance.now() - start);
    } catch {
      read = '';
    }
    r.count++;
    r.digits += composed.number.length;
    if (read === composed.number) r.exact++;
    if (read.length !== composed.number.length) r.wrongCount++;
    else for (let k = 0; k < read.length; k++) if (read[k] === composed.number[k]) r.digitsRight++;
    if (process.env.BENCH_VERBOSE && read !== composed.number) {
      console.log(set, composed.number, read, JSON.stringify(options));
      if (process.env.BENCH_SAVE) await writePng(`${process.env.BENCH_SAVE}/${set}-${n}.png`, composed.image);
    }
  }
}
const GOALS: Record<SetName, number> = { gaps: 0.97, touching: 0.9, paper: 0.95, condensed: 0.92, uneven: 0.9 };
if (values.json) {
  console.log(JSON.stringify({ seed, count, results }));
} else {
  const readerName = judge ? (values.reader ?? 'the bundled reading model') : 'none (the digit model judges its own cuts)';
  console.log(
    `${values.model ?? 'bundled model'}, reader ${readerName}, ${count} numbers per set (2–6 digits from MNIST's test split), seed ${seed}`,
  );
  for (const set of chosen) {
    const r = results[set];
    const exact = r.exact / r.count;
    console.log(
      `${set.padEnd(9)} whole numbers exact ${(exact * 100).toFixed(1)}% (${r.exact}/${r.count}; goal ≥ ${GOALS[set] * 100}%)` +
        ` — wrong digit count ${r.wrongCount}, digits right where the count is right ${((r.digitsRight / Math.max(1, r.digits)) * 100).toFixed(1)}%,` +
        ` median ${median(r.ms).toFixed(0)} ms a number`,
    );
  }
}
