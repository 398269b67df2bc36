// Worker-thread entry: starts a backend as a training thread would (WebGPU self-check included) and, when
// asked, times a few training batches on it. A thread of its own, since a thread keeps the backend it chose.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackendInfo } from '../runtime/backend.ts';
import { loadDataset } from '../data/dataset.ts';
import { defaultSpec } from '../../shared/spec.ts';
import { benchTraining } from './bench.ts';
import type { ProbeInput, ProbeReply } from './backends.ts';

const { options, batches } = workerData as ProbeInput;

async function probe(): Promise<ProbeReply> {
  const info = await initBackendInfo(options);
  if (batches === 0) return { info, samplesPerSecond: null };
  const result = await benchTraining(await loadDataset(), defaultSpec(), { warmup: 1, batches });
  return { info, samplesPerSecond: result.samplesPerSecond };
}

probe().then(
  (reply) => parentPort!.postMessage(reply),
  (err: unknown) => parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) }),
);
