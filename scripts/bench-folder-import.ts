// `npx tsx scripts/bench-folder-import.ts [--count N] [--side PX]`: importing a folder of N small PNGs (MNIST test
// digits written at PX×PX, dark ink on white), two ways: from disk (`dataset import`: every image read and prepared
// through the drawing recipe, then the data set stored), and as the window sends it (the files' bytes in batches
// through `datasets:stage`, then `datasets:commit`; the browser's own reading of the files is not counted). Then
// browsing: a grid page of 200 thumbnails of the data set against one of MNIST's test split. Wall time and CPU time,
// since the machine may be shared.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundledMnistDir, loadSplit, limitSplit } from '../src/engine/data/dataset.ts';
import { readImageFolder } from '../src/engine/data/image-folder.ts';
import { DataSetStore } from '../src/engine/store/data-sets.ts';
import { Studio } from '../src/engine/studio.ts';
import { writeImageFolder } from '../src/engine/testing/image-folder.ts';
import type { Source } from '../src/shared/datasets.ts';

const { values } = parseArgs({ options: { count: { type: 'string' }, side: { type: 'string' } } });
const count = Number(values.count ?? 10_000);
const side = Number(values.side ?? 56);
/** Files per datasets:stage request, as the window sends them. */
const WINDOW_BATCH = 200;

const work = mkdtempSync(join(tmpdir(), 'bench-folder-'));
const folder = join(work, 'folder');
const files = writeImageFolder(folder, limitSplit(await loadSplit(bundledMnistDir(), 'test'), count), { side, paper: true });
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(since);
  return ((user + system) / 1e6).toFixed(1);
};

// From disk, as `dataset import FOLDER --name NAME` does it.
let began = performance.now();
let cpu = process.cpuUsage();
let reported = 0;
const read = await readImageFolder(folder, (done, total) => {
  if (done - reported >= total / 4 || done === total) {
    reported = done;
    console.log(`  ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} read after ${seconds(began)} s`);
  }
});
const readSeconds = seconds(began);
const report = await new DataSetStore(join(work, 'data-sets')).import('bench', read, folder);
console.log(
  `from disk: ${report.samples.toLocaleString('en-US')} PNGs of ${side}×${side} imported (${report.skipped.length} skipped) in ${seconds(began)} s ` +
    `(reading and preparing ${readSeconds} s; ${cpuSeconds(cpu)} s of CPU)`,
);

// As the window sends it.
const studio = await Studio.open({ userDir: join(work, 'user'), transport: 'websocket', version: 'bench' });
began = performance.now();
cpu = process.cpuUsage();
let ticket: string | undefined;
for (let at = 0; at < files.length; at += WINDOW_BATCH) {
  const batch = files.slice(at, at + WINDOW_BATCH).map((path) => ({ path, base64: readFileSync(join(folder, path)).toString('base64') }));
  ({ ticket } = await studio.handlers['datasets:stage']({ ...(ticket && { ticket }), files: batch }));
}
const committed = await studio.handlers['datasets:commit']({ ticket: ticket!, name: 'bench', source: 'folder' });
console.log(
  `as the window sends it: ${committed.samples.toLocaleString('en-US')} images in ${Math.ceil(files.length / WINDOW_BATCH)} requests of ${WINDOW_BATCH} files, ` +
    `stored in ${seconds(began)} s (${cpuSeconds(cpu)} s of CPU)`,
);

// Browsing: the grid asks for pages of 200 thumbnails as it scrolls.
async function pageMs(split: Source, total: number): Promise<number> {
  const times: number[] = [];
  for (let k = 0; k < 200; k++) {
    const start = performance.now();
    await studio.handlers['dataset:page']({ split, offset: (k * 997) % Math.max(1, total - 200), limit: 200 });
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[times.length >> 1];
}
await studio.handlers['dataset:page']({ split: 'set:bench', offset: 0, limit: 1 });
const setMs = await pageMs('set:bench', committed.count);
const testMs = await pageMs('test', 10_000);
console.log(`a grid page of 200 thumbnails, median of 200: data set ${setMs.toFixed(2)} ms, MNIST test ${testMs.toFixed(2)} ms`);
await studio.close();
rmSync(work, { recursive: true, force: true });
