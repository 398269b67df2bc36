// Worker-thread entry: runs one training job off the caller's event loop and reports every event.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../runtime/backend.ts';
import { limitSplit, loadDataset } from '../data/dataset.ts';
import { createModel, createOptimizer } from '../model/model.ts';
import { readOptimizer } from '../model/model-io.ts';
import { type RunRecord, RunStore } from '../store/runs.ts';
import { fileOpsFromEnv } from '../store/atomic.ts';
import { train, trainConfig } from './train.ts';
import { explainFsError, UserError } from '../errors.ts';
import type { TrainingEvent, WorkerInput } from './training-messages.ts';

const BATCH_EVENT_INTERVAL_MS = 200;

const { job, stopFlag } = workerData as WorkerInput;
const stop = new Int32Array(stopFlag);
const post = (event: TrainingEvent) => parentPort!.postMessage(event);

async function run(): Promise<void> {
  const backend = await initBackend();
  const dataset = await loadDataset(job.dataDir);
  const data = { train: limitSplit(dataset.train, job.trainLimit), test: limitSplit(dataset.test, job.testLimit) };
  const store = new RunStore(job.runsRoot, fileOpsFromEnv());
  const optimizer = createOptimizer(job.spec);
  let record: RunRecord;
  let model;
  if (job.resumeId) {
    record = { ...(await store.read(job.resumeId)), status: 'running', pid: process.pid, backend, interrupted: undefined, error: undefined };
    model = await store.loadModel(record.id);
    await readOptimizer(await store.checkpointDir(record.id), optimizer);
  } else {
    record = await store.create({ spec: job.spec, dataDir: dataset.dir, trainLimit: job.trainLimit, testLimit: job.testLimit, backend });
    model = createModel(job.spec);
  }
  await store.writeRecord(record);
  post({ type: 'started', run: record });
  let lastBatchEvent = 0;
  try {
    const result = await train(model, optimizer, data, trainConfig(job.spec, record.epochsDone), {
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
        record = await store.saveCheckpoint({ ...record, epochsDone: metrics.epoch, last: metrics }, model, optimizer);
        await store.appendMetric(record.id, { event: 'epoch', ...metrics });
        post({ type: 'epoch', runId: record.id, metrics, run: record });
      },
    });
    // A stop mid-epoch keeps the weights of the last finished batch.
    if (result.stopped) record = await store.saveCheckpoint(record, model, optimizer);
    record = { ...record, status: result.stopped ? 'stopped' : 'done' };
    await store.writeRecord(record);
    post({ type: 'done', run: record, stopped: result.stopped });
  } catch (err) {
    // The record still names the last checkpoint that was saved whole: the run can resume from it.
    const error = explainFsError(err, store.dir(record.id));
    record = { ...record, status: 'failed', pid: undefined, error: error instanceof Error ? error.message : String(error) };
    // On a full disk this write may fail too; the run then reads as interrupted, which resumes the same way.
    await store.writeRecord(record).catch(() => undefined);
    throw error;
  }
}

run().catch((err: unknown) =>
  post({ type: 'error', runId: null, message: err instanceof Error ? err.message : String(err), user: err instanceof UserError }),
);
