// Evaluations of models on the test split: one worker at a time (each holds the dataset), and one evaluation per
// model folder, shared by every window that asks.
import type { ActiveModel, ModelEvaluation } from '../../shared/contract.ts';
import { evaluateInWorker, type SetRef } from './evaluator.ts';

export class Evaluations {
  /** Evaluations by model folder, running or done: a later ask for the same model shares the first. */
  private readonly byFolder = new Map<string, Promise<ModelEvaluation>>();
  /** The last evaluation queued: each waits for the one before. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataDir: string | undefined,
    private readonly evaluate: typeof evaluateInWorker = evaluateInWorker,
  ) {}

  /** The model in folder `dir` (described by `model`) on the test split, or on data set `set` as it was at `version`. */
  of(dir: string, model: ActiveModel, set?: SetRef & { version: string }): Promise<ModelEvaluation> {
    const key = set ? `${dir}\u0000${set.root}\u0000${set.name}\u0000${set.version}` : dir;
    const known = this.byFolder.get(key);
    if (known) return known;
    const result = this.queue.then(() => this.evaluate(dir, this.dataDir, set && { root: set.root, name: set.name })).then((e) => ({ model, ...e }));
    this.queue = result.catch(() => undefined);
    this.byFolder.set(key, result);
    // A result is kept (a few kilobytes; a model folder never changes once saved, a data set's change is a new version); a failure is not: asking again tries again.
    result.catch(() => this.byFolder.get(key) === result && this.byFolder.delete(key));
    return result;
  }
}
