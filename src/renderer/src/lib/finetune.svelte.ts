// Fine-tuning the active model on MNIST plus my digits: the settings, how long it would take, why it cannot
// start (if it cannot), and the start itself, after which it is an ordinary training run that the studio follows.
import { invokeSchemas, type InvokeInput, type RunRecord, type StudioApi } from '../../../shared/contract';
import { FINETUNE_DEFAULTS, MIN_FINETUNE_DIGITS, MINE_SHARE, type FinetuneReport } from '../../../shared/digits';
import { SPLIT_COUNTS } from '../../../shared/mnist';
import type { MyDigitsState } from './digits.svelte';
import type { DataSetsState } from './data-sets.svelte';
import { estimateSeconds, VALIDATION_COST, type Estimate } from './estimate';
import type { RunState } from './run.svelte';

type Settings = { epochs: number; learningRate: number; heldOut: number; trainLimit: number | null };

/** What fine-tuning needs of the studio besides the engine and the current run. */
export interface FinetuneNeeds {
  digits: Pick<MyDigitsState, 'loaded' | 'entries'>;
  sets: Pick<DataSetsState, 'sets'>;
  attempt: <T>(action: () => Promise<T>) => Promise<T | undefined>;
  refreshRuns: () => Promise<void>;
  /** The runs whose record could be read, newest first. */
  runs: () => RunRecord[];
  /** The speed the studio's own estimate uses. */
  speed: () => Pick<Estimate, 'samplesPerSecond' | 'measured' | 'startupSeconds' | 'startupMeasured'>;
  clearNotice: () => void;
}

export class FinetuneState {
  epochs = $state<number>(FINETUNE_DEFAULTS.epochs);
  learningRate = $state<number>(FINETUNE_DEFAULTS.learningRate);
  heldOut = $state<number>(FINETUNE_DEFAULTS.heldOut);
  /** MNIST training digits replayed beside mine; null for all 60,000. */
  trainLimit = $state<number | null>(FINETUNE_DEFAULTS.trainLimit);
  /** The data set fine-tuned on instead of my digits; null for my digits. */
  set = $state<string | null>(null);
  /** Each setting's problem, by the contract's own schema. */
  issues = $derived(this.#issues());
  /** Why Start is disabled, or null when it can start. */
  blocked = $derived(this.#blocked());
  /** How long it would take: each epoch's MNIST share with my digits mixed in, the measures before and after, the start-up. */
  estimate = $derived(this.#estimate());
  /** The fine-tune run to report on: the one on screen if it is one, else the newest. */
  report = $derived(this.#report());

  constructor(
    private readonly api: StudioApi,
    private readonly run: RunState,
    private readonly needs: FinetuneNeeds,
  ) {}

  /** Start the run: the charts, progress and runs list follow it as any other run. */
  async start(): Promise<void> {
    if (this.blocked) return;
    const request = this.#request();
    this.needs.clearNotice();
    await this.needs.attempt(() => this.run.launch(async () => (await this.api.invoke('training:finetune', request)).runId));
    await this.needs.attempt(() => this.needs.refreshRuns());
  }

  #settings(): Settings {
    return { epochs: this.epochs, learningRate: this.learningRate, heldOut: this.heldOut, trainLimit: this.trainLimit };
  }

  #request(): InvokeInput<'training:finetune'> {
    const { trainLimit, ...rest } = this.#settings();
    const set = this.set === null ? {} : { set: this.set };
    return trainLimit === null ? { ...rest, ...set } : { ...rest, trainLimit, ...set };
  }

  #issues(): Partial<Record<keyof Settings, string>> {
    const settings = this.#settings();
    const checked = invokeSchemas['training:finetune'].safeParse(this.#request());
    if (checked.success) return {};
    const issues: Partial<Record<keyof Settings, string>> = {};
    for (const issue of checked.error.issues) {
      const field = issue.path[0] as keyof Settings;
      issues[field] ??= Number.isNaN(settings[field]) ? 'enter a number' : issue.message;
    }
    return issues;
  }

  #blocked(): string | null {
    const digits = this.needs.digits;
    if (this.run.running) return 'A run is in progress: fine-tuning can start when it ends.';
    if (this.set !== null) {
      const entry = this.needs.sets.sets.find((s) => s.name === this.set);
      if (!entry) return `There is no data set “${this.set}” any more: choose another.`;
      if (entry.count < MIN_FINETUNE_DIGITS) return `Fine-tuning needs at least ${MIN_FINETUNE_DIGITS} images; “${entry.name}” has ${entry.count}.`;
      return Object.keys(this.issues).length ? 'Fix the settings above.' : null;
    }
    if (!digits.loaded) return 'Reading My digits…';
    const count = digits.entries.length;
    if (count < MIN_FINETUNE_DIGITS)
      return `Fine-tuning needs at least ${MIN_FINETUNE_DIGITS} of my digits; you have ${count}. Save more in the Draw place.`;
    if (Object.keys(this.issues).length) return 'Fix the settings above.';
    return null;
  }

  #estimate(): { seconds: number; low: number; high: number; samples: number } | null {
    if (Object.keys(this.issues).length) return null;
    const mnist = this.trainLimit ?? SPLIT_COUNTS.train;
    // Every batch is a fifth my digits: an epoch is MNIST's share plus as many of mine again.
    const perEpoch = Math.round(mnist / (1 - MINE_SHARE));
    const measures = (this.epochs + 2) * SPLIT_COUNTS.test * VALIDATION_COST;
    const { samplesPerSecond, measured, startupSeconds, startupMeasured } = this.needs.speed();
    return {
      samples: perEpoch,
      ...estimateSeconds(1, this.epochs * perEpoch + measures, samplesPerSecond, measured, startupMeasured ? startupSeconds : null),
    };
  }

  #report(): { run: RunRecord; report: FinetuneReport } | null {
    const runs = this.needs.runs();
    const run = runs.find((r) => r.id === this.run.id && r.finetune) ?? runs.find((r) => r.finetune);
    return run?.finetune ? { run, report: run.finetune } : null;
  }
}
