// How the bundled model reads other writers' digits: UCI's optical digits (1,797 digits by 43 writers, 8×8 at 17
// grey levels), the data behind sklearn.datasets.load_digits, which Debian's python3-sklearn ships. Each digit is
// upscaled to 96 px (bilinear), dark ink on white, and read through the same path as a drawing or an opened image.
// Prints the accuracy, the commonest confusions and the share of errors flagged unsure. The data stays out of
// the repository: where python3-sklearn is not installed, one line says so and the script exits 0.
//   npx tsx scripts/bench-writers.ts [--model DIR] [--json]
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/runtime/backend.ts';
import { bundledModelDir } from '../src/engine/model/bundled.ts';
import { readModel } from '../src/engine/model/model-io.ts';
import { predictDrawing } from '../src/engine/model/predict.ts';
import type { RawImage } from '../src/shared/preprocess.ts';

const UCI_DIGITS = '/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz';
/** The side the 8×8 digits are upscaled to, as the issue measured them. */
const SIDE = 96;
/** UCI's grey levels run 0–16. */
const LEVELS = 16;

const { values } = parseArgs({ options: { model: { type: 'string' }, json: { type: 'boolean' }, data: { type: 'string' } } });
const file = values.data ?? UCI_DIGITS;
if (!existsSync(file)) {
  console.log(`skipped: ${file} is missing (install Debian's python3-sklearn, or pass --data digits.csv.gz)`);
  process.exit(0);
}

/** One 8×8 digit upscaled to SIDE × SIDE by bilinear interpolation, dark ink on white paper. */
function upscaled(cells: number[]): RawImage {
  const data = new Uint8Array(SIDE * SIDE);
  const at = (x: number, y: number) => cells[Math.min(7, Math.max(0, y)) * 8 + Math.min(7, Math.max(0, x))] / LEVELS;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const sx = ((x + 0.5) * 8) / SIDE - 0.5;
      const sy = ((y + 0.5) * 8) / SIDE - 0.5;
      const [x0, y0] = [Math.floor(sx), Math.floor(sy)];
      const [fx, fy] = [sx - x0, sy - y0];
      const v = (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
      data[y * SIDE + x] = Math.round(255 * (1 - v));
    }
  }
  return { width: SIDE, height: SIDE, channels: 1, data };
}

const rows = gunzipSync(await readFile(file))
  .toString('utf8')
  .trim()
  .split('\n')
  .map((line) => line.split(',').map(Number));
await initBackend();
const dir = values.model ?? bundledModelDir();
const model = await readModel(dir);
let right = 0;
let errors = 0;
let flagged = 0;
const confusions = new Map<string, number>();
for (const row of rows) {
  const label = row[64];
  const prediction = await predictDrawing(model, upscaled(row.slice(0, 64)));
  if (prediction?.label === label) {
    right++;
    continue;
  }
  errors++;
  if (!prediction?.confident) flagged++;
  const key = `${label}→${prediction?.label ?? 'none'}`;
  confusions.set(key, (confusions.get(key) ?? 0) + 1);
}
const commonest = [...confusions].sort((a, b) => b[1] - a[1]).slice(0, 5);
if (values.json) {
  console.log(JSON.stringify({ model: dir, digits: rows.length, right, errors, flagged, confusions: Object.fromEntries(commonest) }));
} else {
  console.log(`${dir}: UCI's ${rows.length} digits by 43 writers, upscaled to ${SIDE} px`);
  console.log(`read right ${((right / rows.length) * 100).toFixed(1)}% (${right}/${rows.length}; goal ≥ 97%)`);
  console.log(`errors flagged unsure ${((flagged / Math.max(1, errors)) * 100).toFixed(0)}% (${flagged}/${errors}; goal ≥ 60%)`);
  console.log(`commonest errors: ${commonest.map(([k, n]) => `${k} ${n}`).join(', ')}`);
}
