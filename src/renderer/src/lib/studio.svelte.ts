// App-wide state: what the engine is, the active model, the training run and the list of runs.
// It subscribes to the engine's events once, so training goes on being followed from any place.
import type {
  ActiveModel,
  AppInfo,
  BatchPoint,
  BatchProgress,
  DatasetInfo,
  EpochMetrics,
  ModelEvaluation,
  ModelSpec,
  RunListEntry,
  RunRecord,
  StudioApi,
} from '../../../shared/contract';
import { SPLIT_COUNTS } from '../../../shared/mnist';
import { isReadable, runFraction } from '../../../shared/types';
import { checkSpec, defaultSpec } from '../../../shared/spec';
import { limitIssues, type LimitIssues } from './limits';
import { CompareState } from './compare.svelte';
import { QueueState } from './queue.svelte';
import { MyDigitsState } from './digits.svelte';

export type Place = 'dataset' | 'training' | 'draw' | 'model';

/** A yes/no question put to the person (window.confirm in the app; a stub in tests). */
export type Ask = (question: string) => boolean;

/** Samples per second assumed for the time estimate before any run was measured (the wasm fallback on 2 cores). */
export const ROUGH_SAMPLES_PER_SECOND = 5000;

export class StudioState {
  place = $state<Place>('dataset');
  info = $state.raw<AppInfo | null>(null);
  dataset = $state.raw<DatasetInfo | null>(null);
  activeModel = $state.raw<ActiveModel | null>(null);
  runs = $state.raw<RunListEntry[]>([]);
  /** The runs whose record could be read: the ones with a spec, limits and metrics. */
  readonly readableRuns = $derived(this.runs.filter(isReadable));
  /** The spec being edited in the training panel: kept here so that it survives visits elsewhere. */
  spec = $state<ModelSpec>(defaultSpec());
  trainLimit = $state<number | null>(null);
  testLimit = $state<number | null>(null);

  runId = $state<string | null>(null);
  running = $state(false);
  stopping = $state(false);
  progress = $state.raw<BatchProgress | null>(null);
  batches = $state.raw<BatchPoint[]>([]);
  epochs = $state.raw<EpochMetrics[]>([]);
  /** How the last run shown ended. */
  outcome = $state<'finished' | 'stopped' | 'failed' | null>(null);
  notice = $state<{ kind: 'error' | 'info'; text: string } | null>(null);
  /** Why the link to the engine dropped, once it has. */
  disconnected = $state<string | null>(null);

  /** The spec as typed, checked; and the sample limits, checked. */
  check = $derived(checkSpec($state.snapshot(this.spec)));
  limitIssues: LimitIssues = $derived(limitIssues(this.trainLimit, this.testLimit));
  canStart = $derived(this.#canStart());
  /** How long Start would take, from the last measured speed or a stated rough figure. */
  estimate = $derived(this.#estimate());
  /** The window's title: the progress while training, seen in the task bar from anywhere. */
  windowTitle = $derived(this.#windowTitle());
  /** What the active model's accuracy was measured on. */
  accuracyBasis = $derived(this.#accuracyBasis());

  /** My digits: saved from the Draw place, shown in the Dataset place, counted for fine-tuning. */
  readonly digits: MyDigitsState;

  /** The spec as last loaded, started or picked: edits since then are unsaved. */
  #baseline = JSON.stringify(defaultSpec());

  /** The runs side by side in the Model place. */
  readonly compare: CompareState;
  /** The notebook's variants, queued as runs. */
  readonly queue: QueueState;
  /** The active model's evaluation, asked for once and shared by the places that show it. */
  #evaluation: Promise<ModelEvaluation> | null = null;
  /** Who opens a sample when another place asks (the Dataset place). */
  #sampleOpeners: ((split: 'train' | 'test', index: number) => void)[] = [];

  constructor(
    readonly api: StudioApi,
    private readonly ask: Ask = (question) => window.confirm(question),
  ) {
    this.compare = new CompareState(this);
    this.queue = new QueueState(this);
    this.digits = new MyDigitsState(api, (question) => this.ask(question));
    api.on('training:progress', ({ runId, progress, point }) => {
      // Another run's first batch (the next of a queue): its curves start afresh.
      if (runId !== this.runId) [this.batches, this.epochs] = [[], []];
      this.runId = runId;
      this.running = true;
      this.progress = progress;
      this.batches = [...this.batches, point];
    });
    api.on('training:epoch', ({ metrics }) => {
      this.epochs = [...this.epochs, metrics];
      void this.refreshRuns();
    });
    api.on('training:done', ({ run, stopped }) => {
      this.running = false;
      this.outcome = stopped ? 'stopped' : 'finished';
      this.stopping = false;
      this.notice = {
        kind: 'info',
        text: !stopped
          ? `Run ${run.id} finished: ${pct(run.last?.valAccuracy)} validation accuracy.`
          : run.epochsDone === 0
            ? `Run ${run.id} stopped before its first epoch ended: there is no trained model to use yet (Resume continues it).`
            : `Run ${run.id} stopped after ${run.epochsDone} epoch${run.epochsDone === 1 ? '' : 's'}; its model is saved.`,
      };
      void this.refreshRuns();
    });
    api.on('training:error', ({ message }) => {
      this.running = false;
      this.outcome = 'failed';
      this.stopping = false;
      this.notice = { kind: 'error', text: `Training failed: ${message}` };
      void this.refreshRuns();
    });
    api.on('model:changed', (model) => {
      this.#evaluation = null;
      this.activeModel = model;
      // A model the list has never seen was imported (File › Import Model…): list it.
      if (model.id !== 'bundled' && !this.runs.some((run) => run.id === model.id)) void this.refreshRuns();
    });
  }

  /** First load: engine info, dataset, runs, and any training already in progress (after a reload). */
  async load(): Promise<void> {
    const [info, dataset, status] = await Promise.all([
      this.api.invoke('app:info'),
      this.api.invoke('dataset:info'),
      this.api.invoke('training:status'),
    ]);
    this.info = info;
    this.activeModel = info.activeModel;
    this.dataset = dataset;
    if (status.runId) {
      this.runId = status.runId;
      this.running = status.running;
      // A finished or stopped run's last batch is history: its curves and its row in the list say the rest.
      this.progress = status.running ? status.progress : null;
      this.batches = status.batches;
      this.epochs = status.epochs;
      if (status.spec) this.#replaceSpec(status.spec);
    }
    this.queue.take(status.queue);
    await this.refreshRuns();
    // After a reload mid-run, the form shows the limits the run trains with.
    const run = this.readableRuns.find((r) => r.id === status.runId);
    if (run) [this.trainLimit, this.testLimit] = [run.trainLimit ?? null, run.testLimit ?? null];
  }

  /** Go to the Dataset place and open sample `index` of `split` there (a nearest training digit, a mistake). */
  openSample(split: 'train' | 'test', index: number): void {
    this.place = 'dataset';
    for (const open of this.#sampleOpeners) open(split, index);
  }

  /** Be told when a place asks for a sample to be opened; returns the unsubscribe function. */
  onOpenSample(open: (split: 'train' | 'test', index: number) => void): () => void {
    this.#sampleOpeners = [...this.#sampleOpeners, open];
    return () => (this.#sampleOpeners = this.#sampleOpeners.filter((o) => o !== open));
  }

  async refreshRuns(): Promise<void> {
    this.runs = await this.api.invoke('runs:list');
  }

  /** Run an action, showing its error as a notice instead of losing it. */
  async attempt<T>(action: () => Promise<T>): Promise<T | undefined> {
    try {
      return await action();
    } catch (err) {
      this.notice = { kind: 'error', text: err instanceof Error ? err.message : String(err) };
      return undefined;
    }
  }

  /** Start a new run with the form's spec and limits. */
  async start(): Promise<void> {
    if (!this.canStart) return;
    await this.#launch(undefined, this.trainLimit ?? undefined, this.testLimit ?? undefined);
  }

  /** Continue a stopped run from its checkpoint, with its own spec and limits. */
  async resume(run: RunRecord): Promise<void> {
    if (this.running) return;
    this.#replaceSpec(run.spec);
    [this.trainLimit, this.testLimit] = [run.trainLimit ?? null, run.testLimit ?? null];
    await this.#launch(run.id, run.trainLimit, run.testLimit);
  }

  async #launch(resumeId: string | undefined, trainLimit: number | undefined, testLimit: number | undefined): Promise<void> {
    const spec = $state.snapshot(this.spec);
    this.notice = null;
    this.#baseline = JSON.stringify(spec);
    const started = await this.attempt(async () => {
      const metrics = resumeId ? await this.api.invoke('runs:metrics', { id: resumeId }) : { batches: [], epochs: [] };
      this.runId = resumeId ?? null;
      this.batches = metrics.batches;
      this.epochs = metrics.epochs;
      this.progress = null;
      this.outcome = null;
      this.running = true;
      const { runId } = await this.api.invoke('training:start', { spec, trainLimit, testLimit, resumeId });
      this.runId = runId;
      return true;
    });
    if (!started) this.running = false;
    await this.attempt(() => this.refreshRuns());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const reply = await this.attempt(() => this.api.invoke('training:stop'));
    if (reply?.dropped) this.notice = { kind: 'info', text: `Stopping this run; the ${reply.dropped} queued after it will not train.` };
  }

  /** Follow a run the engine starts by itself (the next of a queue): the charts wait for its first batch. */
  follow(): void {
    this.runId = null;
    this.running = true;
    this.batches = [];
    this.epochs = [];
    this.progress = null;
    this.outcome = null;
  }

  /** The active model on the test split: one model:evaluate per model, whichever place asks (a failure is asked again). */
  evaluateActive(): Promise<ModelEvaluation> {
    const asked = (this.#evaluation ??= this.api.invoke('model:evaluate'));
    asked.catch(() => this.#evaluation === asked && (this.#evaluation = null));
    return asked;
  }

  /** Give a run a name and notes; the error's message, or null when saved. */
  async annotate(id: string, name: string, notes: string): Promise<string | null> {
    try {
      await this.api.invoke('runs:annotate', { id, name, notes });
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
    await this.attempt(() => this.refreshRuns());
    if (this.activeModel?.id === id) this.activeModel = { ...this.activeModel, label: name.trim() || `run ${id}` };
    return null;
  }

  /** Show a past run's curves in the charts (when nothing is training), and its spec unless that would lose edits. */
  async show(run: RunRecord): Promise<void> {
    if (this.running) return;
    const takeSpec = !this.#edited() || this.ask(`Replace your unsaved model edits with the settings of run ${run.id}?`);
    const metrics = await this.attempt(() => this.api.invoke('runs:metrics', { id: run.id }));
    if (!metrics) return;
    this.runId = run.id;
    this.batches = metrics.batches;
    this.epochs = metrics.epochs;
    this.progress = null;
    this.outcome = run.status === 'done' ? 'finished' : run.status === 'failed' ? 'failed' : 'stopped';
    if (takeSpec) {
      this.#replaceSpec(run.spec);
      [this.trainLimit, this.testLimit] = [run.trainLimit ?? null, run.testLimit ?? null];
    }
  }

  async activate(id: string): Promise<void> {
    const model = await this.attempt(() => this.api.invoke('runs:activate', { id }));
    if (model) this.notice = { kind: 'info', text: `Now predicting with ${model.label}.` };
  }

  /** Delete a run after asking; its curves leave the charts if they were on them. */
  async remove(id: string): Promise<void> {
    const active = this.activeModel?.id === id;
    const question = active
      ? `Delete run ${id}? It is the active model: predictions go back to the bundled model. This cannot be undone.`
      : `Delete run ${id} and its saved model? This cannot be undone.`;
    if (!this.ask(question)) return;
    const done = await this.attempt(() => this.api.invoke('runs:delete', { id }));
    if (done && this.runId === id && !this.running) {
      this.runId = null;
      this.batches = [];
      this.epochs = [];
      this.progress = null;
      this.outcome = null;
    }
    await this.attempt(() => this.refreshRuns());
  }

  #replaceSpec(spec: ModelSpec): void {
    this.spec = spec;
    this.#baseline = JSON.stringify(spec);
  }

  #edited(): boolean {
    return JSON.stringify($state.snapshot(this.spec)) !== this.#baseline;
  }

  #canStart(): boolean {
    return this.check.ok && !this.limitIssues.trainLimit && !this.limitIssues.testLimit && !this.running && !this.queue.active;
  }

  #estimate(): { samples: number; epochs: number; seconds: number; samplesPerSecond: number; measured: boolean } {
    const samples = Number.isInteger(this.trainLimit) && this.trainLimit! > 0 ? this.trainLimit! : SPLIT_COUNTS.train;
    const epochs = Number.isFinite(this.spec.epochs) ? this.spec.epochs : 0;
    // A whole epoch's speed is a better guide than the first batches of a run (which include warm-up).
    const measured = this.readableRuns.find((r) => r.last)?.last?.samplesPerSecond ?? this.progress?.samplesPerSecond;
    const samplesPerSecond = measured && measured > 0 ? measured : ROUGH_SAMPLES_PER_SECOND;
    return { samples, epochs, seconds: (samples * epochs) / samplesPerSecond, samplesPerSecond, measured: Boolean(measured) };
  }

  #windowTitle(): string {
    const p = this.progress;
    if (!this.running || !p) return 'Digit Studio';
    return `Epoch ${p.epoch}/${p.epochs} · ${Math.floor(runFraction(p) * 100)}% — Digit Studio`;
  }

  #accuracyBasis(): string {
    const id = this.activeModel?.id;
    const limit = this.readableRuns.find((r) => r.id === id)?.testLimit;
    return limit && limit < SPLIT_COUNTS.test ? `validation, ${limit.toLocaleString('en-US')} samples` : 'test';
  }
}

/** A fraction as a percentage, or `—` when unknown. */
export const pct = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`);

/** A duration as people read it: `42s`, `3m 5s`, `1h 12m`; null (not yet measured) reads `estimating…`. */
export function duration(seconds: number | null): string {
  if (seconds === null) return 'estimating…';
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`;
}
