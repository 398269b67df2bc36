// Worker-thread entry: runs one training job off the caller's event loop and reports every event.
import { parentPort, workerData } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GpuLost, GpuUnavailable, initBackend, type tf } from '../runtime/backend.ts';
import { joinSplits, limitSplit, loadDataset } from '../data/dataset.ts';
import { notOneDigitPieces, PIECE_SHARE } from '../data/pieces.ts';
import { createModel, createOptimizer } from '../model/model.ts';
import { OPTIMIZER_JSON, readModel, readOptimizer } from '../model/model-io.ts';
import type { Split } from '../data/dataset.ts';
import { finetuneData, measure, readRunDigits, saveRunDigits } from './finetune.ts';
import { readOwnData, saveOwnData, withOwnData } from './own-data.ts';
import { type Annotation, annotated, type RunRecord, RunStore } from '../store/runs.ts';
import { fileOpsFromEnv } from '../store/atomic.ts';
import { train, trainConfig, type TrainData, type TrainResult } from './train.ts';
import { explainFsError, UserError } from '../errors.ts';
import { messageOf } from '../../shared/message.ts';
import { reportsBatch } from '../../shared/batch-events.ts';
import type { AnnotateReply, AnnotateRequest, TrainingEvent, WorkerInput } from './training-messages.ts';

const { job, stopFlag } = workerData as WorkerInput;
const stop = new Int32Array(stopFlag);
const post = (event: TrainingEvent | AnnotateReply) => parentPort!.postMessage(event);

// run.json is written by this thread alone while it trains, one write at a time; a name or notes given
// meanwhile are kept here and go into every record written from then on, so that no save drops them.
let annotation: Annotation | null = null;
/** The run's record as last written: this thread is its only writer while it trains. */
let record!: RunRecord;
let writing: Promise<unknown> = Promise.resolve();
const withNotes = (record: RunRecord) => (annotation ? annotated(record, annotation) : record);
function serial<T>(write: () => Promise<T>): Promise<T> {
  const next = writing.then(write);
  writing = next.catch(() => undefined);
  return next;
}

/** Everything a run trains with, ready before its first batch. */
interface Prepared {
  store: RunStore;
  record: RunRecord;
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  data: TrainData;
  /** A fine-tune's batches: my digits a fixed share of each (absent: a seeded shuffle of the data). */
  orderOf?: (epoch: number) => Uint32Array;
  /** A fine-tune's held-out digits, measured again once it has trained. */
  heldOut: Split | null;
}

/** Load the data and the model (a resumed run's checkpoint, a fine-tune's base, or fresh weights) and write the run's record. */
async function prepare(): Promise<Prepared> {
  const backend = await initBackend(job.backend ?? { gpu: true });
  const store = new RunStore(job.runsRoot, fileOpsFromEnv());
  const resumed = job.resumeId ? await store.read(job.resumeId) : null;
  // A fine-tune run trains on the bundled MNIST plus the digits kept in its own folder.
  const finetuning = job.finetune !== undefined || resumed?.finetune !== undefined;
  // A run with own data keeps it in its folder (its dataDir) and trains beside the bundled MNIST.
  const dataset = await loadDataset(finetuning || resumed?.ownData ? undefined : job.dataDir);
  let data: TrainData = { train: limitSplit(dataset.train, job.trainLimit), test: limitSplit(dataset.test, job.testLimit) };
  const optimizer = createOptimizer(job.spec);
  let record: RunRecord;
  let model: tf.LayersModel;
  if (resumed) {
    record = { ...resumed, status: 'running', pid: process.pid, backend, interrupted: undefined, error: undefined };
    model = await store.loadModel(record.id);
    const checkpoint = await store.checkpointDir(record.id);
    // A checkpoint rebuilt from an epoch's copy (both checkpoints were damaged) has no optimizer state: Adam starts afresh.
    if (existsSync(join(checkpoint, OPTIMIZER_JSON))) await readOptimizer(checkpoint, optimizer);
  } else {
    const name = job.name?.trim() ? { name: job.name.trim() } : {};
    record = await store.create({ spec: job.spec, dataDir: dataset.dir, trainLimit: job.trainLimit, testLimit: job.testLimit, backend, ...name });
    const fromDir = job.finetune?.fromDir ?? job.fromDir;
    model = fromDir ? await readModel(fromDir) : createModel(job.spec);
  }
  // A reading model also learns "not one digit" from pieces made of its own training digits.
  if (job.spec.reading)
    data = { ...data, train: joinSplits(data.train, notOneDigitPieces(data.train, Math.round(data.train.count * PIECE_SHARE), job.spec.seed)) };
  if (!finetuning) {
    // A run with own data trains on what it kept in its folder when it started.
    const own = job.ownData ?? (resumed ? await readOwnData(store.dir(record.id)) : null);
    if (own) data = withOwnData({ mnist: record.ownData?.mnist ?? true, ...own }, data);
    if (job.ownData) {
      const dataDir = await saveOwnData(store.dir(record.id), job.ownData);
      const { source, train, validation, mnist } = job.ownData;
      record = { ...record, dataDir, ownData: { source, trained: train.count, validation: validation.count, mnist } };
    }
    await store.writeRecord(record);
    return { store, record, model, optimizer, data, heldOut: null };
  }
  const digits = job.finetune ?? (await readRunDigits(store.dir(record.id)));
  if (job.finetune) {
    const dataDir = await saveRunDigits(store.dir(record.id), job.finetune);
    const before = await measure(model, digits.heldOut, data.test);
    const { fromLabel: from, set } = job.finetune;
    const finetune = { from, trained: digits.mine.count, heldOut: digits.heldOut.count, before, after: null, ...(set && { set }) };
    record = { ...record, dataDir, finetune };
  }
  const mixed = finetuneData(digits.mine, data.train, job.spec.batchSize, job.spec.seed);
  data = { train: mixed.train, test: data.test };
  await store.writeRecord(record);
  return { store, record, model, optimizer, data, orderOf: mixed.orderOf, heldOut: digits.heldOut };
}

/** Train the prepared run, saving a checkpoint after every epoch and reporting progress; the record as trained. */
async function trainRun({ store, model, optimizer, data, orderOf }: Prepared): Promise<TrainResult> {
  let lastBatchEvent = 0;
  return train(
    model,
    optimizer,
    data,
    { ...trainConfig(job.spec, record.epochsDone), orderOf },
    {
      signal: {
        get aborted() {
          return Atomics.load(stop, 0) === 1;
        },
      },
      onBatchEnd: async (progress) => {
        const now = performance.now();
        if (!reportsBatch(now - lastBatchEvent, progress.batch, progress.batches)) return;
        lastBatchEvent = now;
        post({ type: 'batch', runId: record.id, progress });
        await store.appendMetric(record.id, { event: 'batch', ...progress });
      },
      onEpochEnd: async (metrics) => {
        await serial(async () => {
          record = withNotes(await store.saveCheckpoint(withNotes({ ...record, epochsDone: metrics.epoch, last: metrics }), model, optimizer));
        });
        await store.appendMetric(record.id, { event: 'epoch', ...metrics });
        post({ type: 'epoch', runId: record.id, metrics, run: record });
      },
    },
  );
}

/** Save a stopped run's weights, measure a fine-tune's held-out digits again, and write the final record. */
async function finish({ store, model, optimizer, data, heldOut }: Prepared, result: TrainResult): Promise<void> {
  // A stop mid-epoch keeps the weights of the last finished batch.
  const after = !result.stopped && heldOut && record.finetune ? await measure(model, heldOut, data.test) : null;
  await serial(async () => {
    if (result.stopped) record = await store.saveCheckpoint(withNotes(record), model, optimizer);
    record = withNotes({ ...record, status: result.stopped ? 'stopped' : 'done' });
    if (after && record.finetune) record = { ...record, finetune: { ...record.finetune, after } };
    await store.writeRecord(record);
  });
  post({ type: 'done', run: record, stopped: result.stopped });
}

/** Take a name or notes for the run while it trains; they go into every record written from then on. */
function listenForNotes(store: RunStore): void {
  parentPort!.on('message', (request: AnnotateRequest) => {
    annotation = { name: request.name, notes: request.notes };
    serial(() => store.writeRecord((record = withNotes(record)))).then(
      () => post({ type: 'annotated', ticket: request.ticket, run: record }),
      (err: unknown) => post({ type: 'annotated', ticket: request.ticket, error: messageOf(explainFsError(err, store.dir(record.id))) }),
    );
  });
}

async function run(): Promise<void> {
  const prepared = await prepare();
  const { store } = prepared;
  record = prepared.record;
  listenForNotes(store);
  post({ type: 'started', run: record });
  try {
    await finish(prepared, await trainRun(prepared));
  } catch (err) {
    // The record still names the last checkpoint that was saved whole: the run can resume from it.
    const error = explainFsError(err, store.dir(record.id));
    // On a full disk this write may fail too; the run then reads as interrupted, which resumes the same way.
    await serial(async () => {
      record = withNotes({ ...record, status: 'failed', pid: undefined, error: messageOf(error) });
      await store.writeRecord(record);
    }).catch(() => undefined);
    throw error;
  }
}

run().catch((err: unknown) =>
  post({
    type: 'error',
    runId: null,
    message: messageOf(err),
    user: err instanceof UserError,
    ...((err instanceof GpuLost || err instanceof GpuUnavailable) && { gpu: true }),
  }),
);
