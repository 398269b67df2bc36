// Fine-tuning the active model on MNIST plus my digits: the three settings, why it cannot start (if it
// cannot), and the start itself, after which it is an ordinary training run that the studio follows.
import { invokeSchemas } from '../../../shared/contract';
import { MIN_FINETUNE_DIGITS, type FinetuneReport } from '../../../shared/digits';
import type { RunRecord } from '../../../shared/types';
import type { StudioState } from './studio.svelte';

/** The settings a fine-tune run starts with: a few epochs at a tenth of the notebook's learning rate. */
export const FINETUNE_DEFAULTS = { epochs: 3, learningRate: 0.0001, heldOut: 0.25 } as const;

type Settings = { epochs: number; learningRate: number; heldOut: number };

export class FinetuneState {
  epochs = $state<number>(FINETUNE_DEFAULTS.epochs);
  learningRate = $state<number>(FINETUNE_DEFAULTS.learningRate);
  heldOut = $state<number>(FINETUNE_DEFAULTS.heldOut);
  /** Each setting's problem, by the contract's own schema. */
  issues = $derived(this.#issues());
  /** Why Start is disabled, or null when it can start. */
  blocked = $derived(this.#blocked());
  /** The fine-tune run to report on: the one on screen if it is one, else the newest. */
  report = $derived(this.#report());

  constructor(private readonly studio: StudioState) {}

  /** Start the run: the charts, progress and runs list follow it as any other run. */
  async start(): Promise<void> {
    if (this.blocked) return;
    const studio = this.studio;
    const settings: Settings = { epochs: this.epochs, learningRate: this.learningRate, heldOut: this.heldOut };
    studio.notice = null;
    studio.batches = [];
    studio.epochs = [];
    studio.progress = null;
    studio.outcome = null;
    studio.running = true;
    const started = await studio.attempt(() => studio.api.invoke('training:finetune', settings));
    if (started) studio.runId = started.runId;
    else studio.running = false;
    await studio.attempt(() => studio.refreshRuns());
  }

  #issues(): Partial<Record<keyof Settings, string>> {
    const settings: Settings = { epochs: this.epochs, learningRate: this.learningRate, heldOut: this.heldOut };
    const checked = invokeSchemas['training:finetune'].safeParse(settings);
    if (checked.success) return {};
    const issues: Partial<Record<keyof Settings, string>> = {};
    for (const issue of checked.error.issues) {
      const field = issue.path[0] as keyof Settings;
      issues[field] ??= Number.isNaN(settings[field]) ? 'enter a number' : issue.message;
    }
    return issues;
  }

  #blocked(): string | null {
    const digits = this.studio.digits;
    if (this.studio.running) return 'A run is in progress: fine-tuning can start when it ends.';
    if (!digits.loaded) return 'Reading My digits…';
    const count = digits.entries.length;
    if (count < MIN_FINETUNE_DIGITS)
      return `Fine-tuning needs at least ${MIN_FINETUNE_DIGITS} of my digits; you have ${count}. Save more in the Draw place.`;
    if (Object.keys(this.issues).length) return 'Fix the settings above.';
    return null;
  }

  #report(): { run: RunRecord; report: FinetuneReport } | null {
    const runs = this.studio.readableRuns;
    const run = runs.find((r) => r.id === this.studio.runId && r.finetune) ?? runs.find((r) => r.finetune);
    return run?.finetune ? { run, report: run.finetune } : null;
  }
}
