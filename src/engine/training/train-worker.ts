// Worker-thread entry: runs one training job off the caller's event loop and reports every event.
import { parentPort, workerData } from 'node:worker_threads';
import { GpuLost, GpuUnavailable, initBackend } from '../runtime/backend.ts';
import { limitSplit, loadDataset } from '../data/dataset.ts';
import { createModel, createOptimizer } from '../model/model.ts';
import { readModel, readOptimizer } from '../model/model-io.ts';
import type { Split } from '../data/dataset.ts';
import { finetuneData, measure, readRunDigits, saveRunDigits } from './finetune.ts';
import { type Annotation, annotated, type RunRecord, RunStore } from '../store/runs.ts';
import { fileOpsFromEnv } from '../store/atomic.ts';
import { train, trainConfig } from './train.ts';
import { explainFsError, UserError } from '../errors.ts';
import type { AnnotateReply, AnnotateRequest, TrainingEvent, WorkerInput } from './training-messages.ts';

const BATCH_EVENT_INTERVAL_MS = 200;

const { job, stopFlag } = workerData as WorkerInput;
const stop = new Int32Array(stopFlag);
const post = (event: TrainingEvent | AnnotateReply) => parentPort!.postMessage(event);

// run.json is written by this thread alone while it trains, one write at a time; a name or notes given
// meanwhile are kept here and go into every record written from then on, so that no save drops them.
let annotation: Annotation | null = null;
let writing: Promise<unknown> = Promise.resolve();
const withNotes = (record: RunRecord) => (annotation ? annotated(record, annotation) : record);
function serial<T>(write: () => Promise<T>): Promise<T> {
  const next = writing.then(write);
  writing = next.catch(() => undefined);
  return next;
}

async function run(): Promise<void> {
  const backend = await initBackend(job.backend ?? { gpu: true });
  const store = new RunStore(job.runsRoot, fileOpsFromEnv());
  const resumed = job.resumeId ? await store.read(job.resumeId) : null;
  // A fine-tune run trains on the bundled MNIST plus the digits kept in its own folder.
  const finetuning = job.finetune !== undefined || resumed?.finetune !== undefined;
  const dataset = await loadDataset(finetuning ? undefined : job.dataDir);
  let data = { train: limitSplit(dataset.train, job.trainLimit), test: limitSplit(dataset.test, job.testLimit) };
  const optimizer = createOptimizer(job.spec);
  let record: RunRecord;
  let model;
  if (resumed) {
    record = { ...resumed, status: 'running', pid: process.pid, backend, interrupted: undefined, error: undefined };
    model = await store.loadModel(record.id);
    await readOptimizer(await store.checkpointDir(record.id), optimizer);
  } else {
    const name = job.name?.trim() ? { name: job.name.trim() } : {};
    record = await store.create({ spec: job.spec, dataDir: dataset.dir, trainLimit: job.trainLimit, testLimit: job.testLimit, backend, ...name });
    const fromDir = job.finetune?.fromDir ?? job.fromDir;
    model = fromDir ? await readModel(fromDir) : createModel(job.spec);
  }
  let orderOf: ((epoch: number) => Uint32Array) | undefined;
  let heldOut: Split | null = null;
  if (finetuning) {
    const digits = job.finetune ?? (await readRunDigits(store.dir(record.id)));
    heldOut = digits.heldOut;
    if (job.finetune) {
      const dataDir = await saveRunDigits(store.dir(record.id), job.finetune);
      const before = await measure(model, heldOut, data.test);
      record = {
        ...record,
        dataDir,
        finetune: { from: job.finetune.fromLabel, trained: digits.mine.count, heldOut: heldOut.count, before, after: null },
      };
    }
    const mixed = finetuneData(digits.mine, data.train, job.spec.batchSize, job.spec.seed);
    data = { train: mixed.train, test: data.test };
    orderOf = mixed.orderOf;
  }
  await store.writeRecord(record);
  parentPort!.on('message', (request: AnnotateRequest) => {
    annotation = { name: request.name, notes: request.notes };
    serial(() => store.writeRecord((record = withNotes(record)))).then(
      () => post({ type: 'annotated', ticket: request.ticket, run: record }),
      (err: unknown) => post({ type: 'annotated', ticket: request.ticket, error: messageOf(explainFsError(err, store.dir(record.id))) }),
    );
  });
  post({ type: 'started', run: record });
  let lastBatchEvent = 0;
  try {
    const result = await train(
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
          if (now - lastBatchEvent < BATCH_EVENT_INTERVAL_MS && progress.batch !== progress.batches) return;
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
    // A stop mid-epoch keeps the weights of the last finished batch.
    const after = !result.stopped && heldOut && record.finetune ? await measure(model, heldOut, data.test) : null;
    await serial(async () => {
      if (result.stopped) record = await store.saveCheckpoint(withNotes(record), model, optimizer);
      record = withNotes({ ...record, status: result.stopped ? 'stopped' : 'done' });
      if (after && record.finetune) record = { ...record, finetune: { ...record.finetune, after } };
      await store.writeRecord(record);
    });
    post({ type: 'done', run: record, stopped: result.stopped });
  } catch (err) {
    // The record still names the last checkpoint that was saved whole: the run can resume from it.
    const error = explainFsError(err, store.dir(record.id));
    // On a full disk this write may fail too; the run then reads as interrupted, which resumes the same way.
    await serial(async () => {
      record = withNotes({ ...record, status: 'failed', pid: undefined, error: error instanceof Error ? error.message : String(error) });
      await store.writeRecord(record);
    }).catch(() => undefined);
    throw error;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

run().catch((err: unknown) =>
  post({
    type: 'error',
    runId: null,
    message: err instanceof Error ? err.message : String(err),
    user: err instanceof UserError,
    ...((err instanceof GpuLost || err instanceof GpuUnavailable) && { gpu: true }),
  }),
);
