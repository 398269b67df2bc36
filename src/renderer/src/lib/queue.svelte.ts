// The notebook's variants as one queue of runs: which are chosen, the quick-comparison limits, and the queue's
// progress as the engine reports it. When the queue ends, its runs are ticked in the compare view.
import type { QueueStatus } from '../../../shared/contract';
import { presetQueue, QUICK_COMPARISON, VARIANTS } from '../../../shared/presets';
import { SPLIT_COUNTS } from '../../../shared/mnist';
import { limitIssues } from './limits';
import type { StudioState } from './studio.svelte';

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
  /** How long the whole queue would take at the speed the studio's own estimate uses. */
  readonly seconds = $derived(this.#seconds());

  constructor(private readonly studio: StudioState) {
    // Each run's end is where the queue may have ended too: the engine's status says.
    studio.api.on('training:done', () => void this.#follow());
    studio.api.on('training:error', () => void this.#follow());
  }

  /** The queue a reloaded window finds under way. */
  take(status: QueueStatus | undefined): void {
    this.status = status ?? null;
  }

  /** Queue the baseline and the ticked variants. */
  async start(): Promise<void> {
    if (!this.canStart) return;
    const items = this.items;
    const reply = await this.studio.attempt(() =>
      this.studio.api.invoke('training:queue', { items, trainLimit: this.trainLimit ?? undefined, testLimit: this.testLimit ?? undefined }),
    );
    if (!reply) return;
    this.status = { names: items.map((item) => item.name), current: 0, runIds: [], active: true, dropped: 0 };
    this.studio.follow();
    this.studio.notice = {
      kind: 'info',
      text: `Training ${items.length} runs one after another: ${items.map((item) => item.name).join(', ')}.`,
    };
  }

  #canStart(): boolean {
    return !this.studio.running && !this.issues.trainLimit && !this.issues.testLimit && !this.issues.epochs;
  }

  #seconds(): number {
    const samples = (this.trainLimit ?? SPLIT_COUNTS.train) * (Number.isFinite(this.epochs) ? this.epochs : 0);
    return (this.items.length * samples) / this.studio.estimate.samplesPerSecond;
  }

  async #follow(): Promise<void> {
    if (!this.active) return;
    const status = await this.studio.attempt(() => this.studio.api.invoke('training:status'));
    if (!status?.queue) return;
    this.status = status.queue;
    if (status.queue.active) {
      // Between two runs of the queue nothing trains, but the queue goes on: Start stays away.
      this.studio.running = true;
      return;
    }
    const { runIds, dropped, names } = status.queue;
    await this.studio.compare.select(runIds);
    this.studio.notice = {
      kind: 'info',
      text:
        dropped > 0
          ? `Stopped the notebook's variants: ${runIds.length} of ${names.length} runs trained, ${dropped} dropped. Those trained are side by side in the Model place.`
          : `The notebook's variants are done: ${runIds.length} runs side by side in the Model place.`,
    };
  }
}
