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
import { AUGMENT_OPTIONS, limit, number, parse, specFrom } from './args.ts';
import { UsageError } from './errors.ts';
import { readDataFolder } from '../engine/data/data-folder.ts';
import type { Split } from '../engine/data/dataset.ts';
import { DEFAULT_VALIDATION, ownData, type OwnDataJob } from '../engine/training/own-data.ts';
import { SPLIT_COUNTS } from '../shared/mnist.ts';
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
  validation: { type: 'string' },
  'no-mnist': { type: 'boolean' },
  ...AUGMENT_OPTIONS,
} as const;

export async function trainCommand(argv: string[]): Promise<void> {
  const { values } = parse(argv, OPTIONS);
  const spec = await specFrom(values);
  const trainLimit = limit('train-limit', values['train-limit']);
  const testLimit = limit('test-limit', values['test-limit']);
  const json = values.json === true;
  // Read once here so that a bad --data folder fails fast, with its message, before a worker starts.
  const data = values.data === undefined ? ({ kind: 'idx', dataset: await loadDataset() } as const) : await readDataFolder(values.data);
  const own = data.kind === 'images' ? ownDataOf(data.dir, data.read.split, values, spec.seed) : undefined;
  if (values.validation !== undefined && !own) throw new UsageError('--validation: only with --data FOLDER of labelled images (0/ … 9/)');
  if (values['no-mnist'] && !own) throw new UsageError('--no-mnist: only with --data FOLDER of labelled images (0/ … 9/)');
  const mnistTrain = own && !own.mnist ? 0 : Math.min(trainLimit ?? Infinity, data.kind === 'idx' ? data.dataset.train.count : SPLIT_COUNTS.train);
  const samples = (own?.train.count ?? 0) + mnistTrain;
  const validation = own?.validation.count || Math.min(testLimit ?? Infinity, data.kind === 'idx' ? data.dataset.test.count : SPLIT_COUNTS.test);
  if (json && data.kind === 'images')
    console.log(
      JSON.stringify({
        event: 'data',
        data: data.dir,
        samples: data.read.split.count,
        skipped: data.read.skipped,
        trained: own?.train.count,
        validation,
      }),
    );
  else if (data.kind === 'images') for (const { file, reason } of data.read.skipped) console.log(`skipped ${file}: ${reason}`);
  const runsRoot = values.out ?? defaultRunsRoot();
  // Both folders are made and tried now: a bad one is reported before training, not after it.
  await prepareOutputFolder(runsRoot);
  if (typeof values.export === 'string') await prepareOutputFolder(values.export);
  const tty = !json && process.stdout.isTTY;
  let stopRequested = false;
  // --from: go on from a model's weights (a model folder or a run folder), for instance at a lower learning rate.
  const fromDir = values.from === undefined ? undefined : await resolveModelDir(values.from);
  const dataDir = data.kind === 'idx' ? values.data : undefined;
  const handle = startTraining({ spec, dataDir, trainLimit, testLimit, runsRoot, fromDir, ownData: own }, (event) => {
    if (json) {
      if (event.type === 'epoch') console.log(JSON.stringify({ event: 'epoch', runId: event.runId, ...event.metrics }));
      return;
    }
    if (event.type === 'started') {
      console.log(`Train on ${samples} samples, validate on ${validation} samples (backend: ${event.run.backend}, run ${event.run.id})`);
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
    await exportModel(modelDir, values.export, argv, run.backend, spec.epochs, summarize(spec).totalParams, dataDir, testLimit);
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

/** --validation X (0.2 by default) and --no-mnist for a folder of labelled images. */
function ownDataOf(dir: string, images: Split, values: { validation?: string; 'no-mnist'?: boolean }, seed: number): OwnDataJob {
  const share = number('validation', values.validation) ?? DEFAULT_VALIDATION;
  if (share < 0 || share > 0.5) throw new UsageError(`--validation: a share from 0 to 0.5, got ${share}`);
  return ownData(dir, images, share, values['no-mnist'] !== true, seed);
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
