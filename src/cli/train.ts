// `train`: the notebook's fit, in a worker thread, printed like Keras (or as JSON lines).
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '../engine/runtime/backend.ts';
import { evaluate } from '../engine/model/evaluate.ts';
import { limitSplit, loadDataset } from '../engine/data/dataset.ts';
import { MODEL_JSON, readModel, WEIGHTS_BIN } from '../engine/model/model-io.ts';
import { defaultRunsRoot, RunStore } from '../engine/store/runs.ts';
import { summarize } from '../shared/summary.ts';
import { startTraining } from '../engine/training/trainer.ts';
import type { BundledManifest } from '../engine/model/bundled.ts';
import { AUGMENT_OPTIONS, limit, parse, specFrom } from './args.ts';
import { bar, epochLine } from './keras-log.ts';
import { prepareOutputFolder } from './folders.ts';
import { resolveModelDir } from '../engine/model/resolve-model.ts';

const OPTIONS = {
  data: { type: 'string' },
  from: { type: 'string' },
  spec: { type: 'string' },
  preset: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  'learning-rate': { type: 'string' },
  activation: { type: 'string' },
  dropout: { type: 'string' },
  'train-limit': { type: 'string' },
  'test-limit': { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  export: { type: 'string' },
  json: { type: 'boolean' },
  ...AUGMENT_OPTIONS,
} as const;

export async function trainCommand(argv: string[]): Promise<void> {
  const { values } = parse(argv, OPTIONS);
  const spec = await specFrom(values);
  const trainLimit = limit('train-limit', values['train-limit']);
  const testLimit = limit('test-limit', values['test-limit']);
  const json = values.json === true;
  // Load once here so that a bad --data folder fails fast, with its message, before a worker starts.
  const dataset = await loadDataset(values.data);
  const samples = Math.min(trainLimit ?? Infinity, dataset.train.count);
  const runsRoot = values.out ?? defaultRunsRoot();
  // Both folders are made and tried now: a bad one is reported before training, not after it.
  await prepareOutputFolder(runsRoot);
  if (typeof values.export === 'string') await prepareOutputFolder(values.export);
  const tty = !json && process.stdout.isTTY;
  let stopRequested = false;
  // --from: go on from a model's weights (a model folder or a run folder), for instance at a lower learning rate.
  const fromDir = values.from === undefined ? undefined : await resolveModelDir(values.from);
  const handle = startTraining({ spec, dataDir: values.data, trainLimit, testLimit, runsRoot, fromDir }, (event) => {
    if (json) {
      if (event.type === 'epoch') console.log(JSON.stringify({ event: 'epoch', runId: event.runId, ...event.metrics }));
      return;
    }
    if (event.type === 'started') {
      console.log(
        `Train on ${samples} samples, validate on ${Math.min(testLimit ?? Infinity, dataset.test.count)} samples (backend: ${event.run.backend}, run ${event.run.id})`,
      );
    } else if (event.type === 'batch') {
      if (event.progress.batch === 1) console.log(`Epoch ${event.progress.epoch}/${event.progress.epochs}`);
      if (tty) process.stdout.write(`\r${bar(event.progress, samples)}\x1b[K`);
    } else if (event.type === 'epoch') {
      if (tty) process.stdout.write('\r\x1b[K');
      console.log(epochLine(event.metrics, samples));
    }
  });
  process.on('SIGINT', () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    console.error('\nstopping after this batch (Ctrl-C again to quit at once)…');
    handle.stop();
  });
  const run = await handle.done;
  const store = new RunStore(runsRoot);
  const modelDir = await store.checkpointDir(run.id);
  const final = run.last;
  if (typeof values.export === 'string')
    await exportModel(modelDir, values.export, argv, run.backend, spec.epochs, summarize(spec).totalParams, values.data, testLimit);
  if (json) {
    console.log(
      JSON.stringify({
        event: 'done',
        backend: run.backend,
        runId: run.id,
        modelDir,
        stopped: run.status === 'stopped',
        epochs: run.epochsDone,
        testAccuracy: final?.valAccuracy ?? null,
        testLoss: final?.valLoss ?? null,
      }),
    );
  } else {
    console.log(`${run.status === 'stopped' ? 'Stopped' : 'Done'}: run ${run.id}, model in ${modelDir}`);
  }
}

/** Copy a trained model to `dir` with a manifest saying how it was made (for resources/model). */
async function exportModel(
  modelDir: string,
  dir: string,
  argv: string[],
  backend: string,
  epochs: number,
  totalParams: number,
  dataDir?: string,
  testLimit?: number,
): Promise<void> {
  await initBackend();
  const model = await readModel(modelDir);
  const dataset = await loadDataset(dataDir);
  const result = await evaluate(model, limitSplit(dataset.test, testLimit));
  await copyFile(join(modelDir, MODEL_JSON), join(dir, MODEL_JSON));
  await copyFile(join(modelDir, WEIGHTS_BIN), join(dir, WEIGHTS_BIN));
  const manifest: BundledManifest = {
    command: `npm run cli -- train ${argv.join(' ')}`,
    backend,
    testAccuracy: result.accuracy,
    testLoss: result.loss,
    date: new Date().toISOString().slice(0, 10),
    epochs,
    totalParams,
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
}
