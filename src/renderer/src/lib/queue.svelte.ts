// The notebook's variants as one queue of runs: which are chosen, the quick-comparison limits, and the queue's
// progress as the engine reports it. When the queue ends, its runs are ticked in the compare view.
import type { QueueStatus, StudioApi } from '../../../shared/contract';
import { presetQueue, QUICK_COMPARISON, VARIANTS } from '../../../shared/presets';
import { SPLIT_COUNTS } from '../../../shared/mnist';
import { limitIssues } from './limits';
import type { CompareState } from './compare.svelte';
import type { RunState } from './run.svelte';
import { estimateSeconds, VALIDATION_COST, type Estimate } from './estimate';

/** What the queue needs of the studio besides the engine and the current run. */
export interface QueueNeeds {
  /** Run an action, showing its error instead of losing it. */
  attempt: <T>(action: () => Promise<T>) => Promise<T | undefined>;
  /** Say what happened in the banner. */
  tell: (text: string) => void;
  /** The speed the studio's own estimate uses. */
  samplesPerSecond: () => Pick<Estimate, 'samplesPerSecond' | 'measured' | 'startupSeconds' | 'startupMeasured'>;
  /** The runs side by side, ticked when the queue ends. */
  compare: Pick<CompareState, 'select'>;
}

export class QueueState {
  /** The variants ticked (the baseline always trains). */
  chosen = $state<string[]>(VARIANTS.map((variant) => variant.id));
  trainLimit = $state<number | null>(QUICK_COMPARISON.trainLimit);
  testLimit = $state<number | null>(QUICK_COMPARISON.testLimit);
  epochs = $state<number>(QUICK_COMPARISON.epochs);
  /** The queue as the engine last reported it. */
  status = $state.raw<QueueStatus | null>(null);

  readonly active = $derived(this.status?.active ?? false);
  readonly items = $derived(presetQueue(this.chosen, this.epochs));
  readonly issues = $derived({
    ...limitIssues(this.trainLimit, this.testLimit),
    epochs: Number.isInteger(this.epochs) && this.epochs >= 1 && this.epochs <= 50 ? undefined : 'a whole number from 1 to 50',
  });
  readonly canStart = $derived(this.#canStart());
  /** How long the whole queue would take at the speed the studio's own estimate uses, each run's start-up included. */
  readonly estimate = $derived(this.#estimate());

  constructor(
    private readonly api: StudioApi,
    private readonly run: RunState,
    private readonly needs: QueueNeeds,
  ) {
    // Each run's end is where the queue may have ended too: the engine's status says.
    api.on('training:done', () => void this.#follow());
    api.on('training:error', () => void this.#follow());
  }

  /** The queue a reloaded window finds under way. */
  take(status: QueueStatus | undefined): void {
    this.status = status ?? null;
  }

  /** Queue the baseline and the ticked variants. */
  async start(): Promise<void> {
    if (!this.canStart) return;
    const items = this.items;
    const request = { items, trainLimit: this.trainLimit ?? undefined, testLimit: this.testLimit ?? undefined };
    // The engine starts each run by itself: the charts wait for the first one's batches.
    const queued = await this.needs.attempt(() =>
      this.run.launch(async () => (await this.api.invoke('training:queue', request), null)).then(() => true),
    );
    if (!queued) return;
    this.status = { names: items.map((item) => item.name), current: 0, runIds: [], active: true, dropped: 0 };
    this.needs.tell(`Training ${items.length} runs one after another: ${items.map((item) => item.name).join(', ')}.`);
  }

  #canStart(): boolean {
    return !this.run.running && !this.issues.trainLimit && !this.issues.testLimit && !this.issues.epochs;
  }

  #estimate(): { seconds: number; low: number; high: number } {
    const perEpoch = (this.trainLimit ?? SPLIT_COUNTS.train) + (this.testLimit ?? SPLIT_COUNTS.test) * VALIDATION_COST;
    const samples = perEpoch * (Number.isFinite(this.epochs) ? this.epochs : 0);
    const { samplesPerSecond, measured, startupSeconds, startupMeasured } = this.needs.samplesPerSecond();
    return estimateSeconds(this.items.length, this.items.length * samples, samplesPerSecond, measured, startupMeasured ? startupSeconds : null);
  }

  async #follow(): Promise<void> {
    if (!this.active) return;
    const status = await this.needs.attempt(() => this.api.invoke('training:status'));
    if (!status?.queue) return;
    this.status = status.queue;
    if (status.queue.active) {
      this.run.continues();
      return;
    }
    const { runIds, dropped, names } = status.queue;
    await this.needs.compare.select(runIds);
    this.needs.tell(
      dropped > 0
        ? `Stopped the notebook's variants: ${runIds.length} of ${names.length} runs trained, ${dropped} dropped. Those trained are side by side in the Model place.`
        : `The notebook's variants are done: ${runIds.length} runs side by side in the Model place.`,
    );
  }
}
