// The studio's nearest-digits index: built in a worker for the active model, kept while that model is active.
import type { Split } from '../data/dataset.ts';
import { UserError } from '../errors.ts';
import { onWorkerFailure, spawnWorker } from '../runtime/workers.ts';
import { NeighbourIndex } from './neighbours.ts';

/** What a build cancelled by a model switch rejects with. */
export const STALE_INDEX = 'the active model changed meanwhile; ask again';

/** Embed `train` under the model saved in `modelDir` in a worker thread; the index of the result. Aborting `signal` ends the thread. */
export function buildIndexInWorker(modelDir: string, train: Split, signal?: AbortSignal): Promise<NeighbourIndex> {
  if (signal?.aborted) return Promise.reject(new UserError(STALE_INDEX));
  const worker = spawnWorker('neighbours-worker', { modelDir, train }, import.meta.url);
  return new Promise<NeighbourIndex>((resolve, reject) => {
    worker.once('message', (message: { result?: { width: number; embeddings: Float32Array }; error?: string }) => {
      if (message.result) resolve(new NeighbourIndex(message.result.embeddings, message.result.width, train.labels));
      else reject(new UserError(message.error ?? 'building the nearest-digits index failed'));
    });
    signal?.addEventListener('abort', () => reject(new UserError(STALE_INDEX)), { once: true });
    onWorkerFailure(worker, 'building the nearest-digits index', reject);
  }).finally(() => void worker.terminate());
}

/**
 * One index at a time, for the model folder last asked about: asking about another folder drops the old index
 * (about 20 MB) and builds the new one; a failed build is forgotten, so asking again tries again. A build still
 * running when its model is dropped is cancelled: its thread ends instead of finishing an index no one asks.
 */
export class ActiveIndex {
  private current: { dir: string; index: Promise<NeighbourIndex>; cancel: AbortController } | null = null;

  constructor(
    private readonly train: Split,
    private readonly build: typeof buildIndexInWorker = buildIndexInWorker,
  ) {}

  /** The index of the model in `dir`, built on first ask. */
  of(dir: string): Promise<NeighbourIndex> {
    if (this.current?.dir !== dir) {
      this.drop();
      const cancel = new AbortController();
      const index = this.build(dir, this.train, cancel.signal);
      const entry = { dir, index, cancel };
      this.current = entry;
      index.catch(() => this.current === entry && (this.current = null));
    }
    return this.current.index;
  }

  /** Forget the index (the active model changed), cancelling its build if it runs: the next ask builds the new model's. */
  drop(): void {
    this.current?.cancel.abort();
    this.current = null;
  }
}
