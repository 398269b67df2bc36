// `npx tsx scripts/bench-history.ts [--epochs 9999] [--params large]`: a run's epoch history over a planted run of
// many epochs (each epoch folder a hard link to one saved model, so the disk holds one copy), as the Why panel
// asks it on a stroke: the time of the first and the second ask, and the process's peak resident memory.
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/runtime/backend.ts';
import { createModel, createOptimizer } from '../src/engine/model/model.ts';
import { EpochModels } from '../src/engine/model/epochs.ts';
import { epochName } from '../src/engine/store/checkpoints.ts';
import { RunStore } from '../src/engine/store/runs.ts';
import { defaultSpec, type ModelSpec } from '../src/shared/spec.ts';

const { values } = parseArgs({ options: { epochs: { type: 'string' }, params: { type: 'string' } } });
const EPOCHS = Number(values.epochs ?? 9_999);
// "large": about 4.6 M parameters, as the run whose 110 epochs filled the WebAssembly heap.
const spec: ModelSpec =
  values.params === 'large'
    ? {
        ...defaultSpec(),
        conv: [
          { ...defaultSpec().conv[0], filters: 32 },
          { ...defaultSpec().conv[1], filters: 64 },
        ],
        dense: [2048, 600],
      }
    : defaultSpec();

const peakMb = () => Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;

await initBackend();
const store = new RunStore(mkdtempSync(join(tmpdir(), 'history-')));
const model = createModel(spec);
let record = await store.create({ spec, dataDir: 'mnist', backend: 'wasm' });
record = await store.saveCheckpoint({ ...record, epochsDone: 1 }, model, createOptimizer(spec));
const first = store.epochDir(record.id, 1);
for (let epoch = 2; epoch <= EPOCHS; epoch++) {
  const dir = join(store.dir(record.id), epochName(epoch));
  mkdirSync(dir);
  for (const file of readdirSync(first)) linkSync(join(first, file), join(dir, file));
}
writeFileSync(join(store.dir(record.id), 'run.json'), JSON.stringify({ ...record, epochsDone: EPOCHS, status: 'done', pid: undefined }));
const field = Array.from({ length: 784 }, (_, i) => (i % 28 > 12 && i % 28 < 16 && i > 100 && i < 700 ? 1 : 0));
const before = peakMb();
const models = new EpochModels();
for (const ask of ['first', 'second']) {
  const began = performance.now();
  const history = await models.history(store, record.id, field);
  const seconds = (performance.now() - began) / 1000;
  console.log(`${ask} ask: ${history.epochs.length} of ${EPOCHS} epochs answered in ${seconds.toFixed(2)} s`);
}
console.log(
  `${model.countParams().toLocaleString('en-US')} parameters; peak resident memory ${peakMb().toFixed(0)} MB (${before.toFixed(0)} MB before asking)`,
);
