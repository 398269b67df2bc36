// Evaluations of models on the test split: one worker at a time (each holds the dataset), and one evaluation per
// model folder, shared by every window that asks.
import type { ActiveModel, ModelEvaluation } from '../../shared/contract.ts';
import { evaluateInWorker } from './evaluator.ts';

export class Evaluations {
  /** Evaluations by model folder, running or done: a later ask for the same model shares the first. */
  private readonly byFolder = new Map<string, Promise<ModelEvaluation>>();
  /** The last evaluation queued: each waits for the one before. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataDir: string | undefined,
    private readonly evaluate: typeof evaluateInWorker = evaluateInWorker,
  ) {}

  /** The model in folder `dir` (described by `model`) on the test split. */
  of(dir: string, model: ActiveModel): Promise<ModelEvaluation> {
    const known = this.byFolder.get(dir);
    if (known) return known;
    const result = this.queue.then(() => this.evaluate(dir, this.dataDir)).then((e) => ({ model, ...e }));
    this.queue = result.catch(() => undefined);
    this.byFolder.set(dir, result);
    // A result is kept (a few kilobytes; a model folder never changes once saved); a failure is not: asking again tries again.
    result.catch(() => this.byFolder.get(dir) === result && this.byFolder.delete(dir));
    return result;
  }
}
