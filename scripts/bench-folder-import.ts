// `npx tsx scripts/bench-folder-import.ts [--count N] [--side PX]`: how long importing a folder of N small PNGs
// (MNIST test digits, written at PX×PX, dark ink on white) takes: reading and preparing every image through the
// drawing recipe, then storing the data set. Wall time and CPU time, since the machine may be shared.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundledMnistDir, loadSplit, limitSplit } from '../src/engine/data/dataset.ts';
import { readImageFolder } from '../src/engine/data/image-folder.ts';
import { DataSetStore } from '../src/engine/store/data-sets.ts';
import { writeImageFolder } from '../src/engine/testing/image-folder.ts';

const { values } = parseArgs({ options: { count: { type: 'string' }, side: { type: 'string' } } });
const count = Number(values.count ?? 10_000);
const side = Number(values.side ?? 56);

const work = mkdtempSync(join(tmpdir(), 'bench-folder-'));
const folder = join(work, 'folder');
writeImageFolder(folder, limitSplit(await loadSplit(bundledMnistDir(), 'test'), count), { side, paper: true });

const began = performance.now();
const cpu = process.cpuUsage();
let reported = 0;
const read = await readImageFolder(folder, (done, total) => {
  if (done - reported >= total / 4 || done === total) {
    reported = done;
    console.log(
      `  ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} read after ${((performance.now() - began) / 1000).toFixed(1)} s`,
    );
  }
});
const readSeconds = (performance.now() - began) / 1000;
const report = await new DataSetStore(join(work, 'data-sets')).import('bench', read, folder);
const seconds = (performance.now() - began) / 1000;
const { user, system } = process.cpuUsage(cpu);
console.log(
  `${report.samples.toLocaleString('en-US')} PNGs of ${side}×${side} imported (${report.skipped.length} skipped) in ${seconds.toFixed(1)} s ` +
    `(reading and preparing ${readSeconds.toFixed(1)} s, storing ${(seconds - readSeconds).toFixed(2)} s; ${((user + system) / 1e6).toFixed(1)} s of CPU)`,
);
rmSync(work, { recursive: true, force: true });
