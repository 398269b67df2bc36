// App-wide state: what the engine is, the active model, the training form, the current run and the list of
// runs. It subscribes to the engine's events once, so training goes on being followed from any place; the
// current run has one owner (run.svelte.ts) and the form is the person's (form.svelte.ts).
import type {
  ActiveModel,
  AppInfo,
  TrainingBackend,
  DatasetInfo,
  ModelEvaluation,
  ModelSpec,
  RunListEntry,
  RunRecord,
  StudioApi,
} from '../../../shared/contract';
import { SPLIT_COUNTS } from '../../../shared/mnist';
import { isReadable, runFraction } from '../../../shared/types';
import { checkSpec } from '../../../shared/spec';
import { messageOf } from '../../../shared/message';
import { TrainingForm, type FormStorage } from './form.svelte';
import { RunState } from './run.svelte';
import { runTitle } from './runs';
import {
  estimateSeconds,
  measureRun,
  MIN_MEASURED_SAMPLES,
  ROUGH_SAMPLES_PER_SECOND,
  STARTUP_SECONDS,
  VALIDATION_COST,
  type Estimate,
  type MeasuredRun,
} from './estimate';
import { z } from 'zod';
import { limitIssues, type LimitIssues } from './limits';
import { CompareState } from './compare.svelte';
import { QueueState } from './queue.svelte';
import { FinetuneState } from './finetune.svelte';
import { MyDigitsState } from './digits.svelte';
import { DataSetsState, OwnDataChoice, type OwnDataRequest } from './data-sets.svelte';

export type Place = 'dataset' | 'training' | 'draw' | 'model';

/** Where the last measured run is kept, so that the next window's first estimate has it too. */
export const MEASURED_KEY = 'digit-studio:measured-run:v1';
const MeasuredRunSchema = z.object({
  startupSeconds: z.number().min(0).max(3600),
  samplesPerSecond: z.number().positive().max(1e7),
  samples: z.number().min(0),
  by: z.string().max(200),
});

function readMeasured(storage: FormStorage | null | undefined): MeasuredRun | null {
  try {
    const parsed = MeasuredRunSchema.safeParse(JSON.parse(storage?.getItem(MEASURED_KEY) ?? 'null'));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A yes/no question put to the person (window.confirm in the app; a stub in tests). */
export type Ask = (question: string) => boolean;

export class StudioState {
  place = $state<Place>('dataset');
  info = $state.raw<AppInfo | null>(null);
  dataset = $state.raw<DatasetInfo | null>(null);
  activeModel = $state.raw<ActiveModel | null>(null);
  runs = $state.raw<RunListEntry[]>([]);
  /** The runs whose record could be read: the ones with a spec, limits and metrics. */
  readonly readableRuns = $derived(this.runs.filter(isReadable));
  /** The Training form: the person's, kept across reloads and tabs. */
  readonly form: TrainingForm;
  /** The run on screen (training, or shown from the list): its one owner. */
  readonly run = new RunState();
  /** The one message for the person; `near`: the run whose row it answers, shown there instead of at the top. */
  notice = $state<{ kind: 'error' | 'info'; text: string; near?: string } | null>(null);
  /** Why the link to the engine dropped, once it has. */
  disconnected = $state<string | null>(null);

  /** The spec as typed, checked; and the sample limits, checked. */
  check = $derived(checkSpec($state.snapshot(this.spec)));
  limitIssues: LimitIssues = $derived(limitIssues(this.trainLimit, this.testLimit));
  canStart = $derived(this.#canStart());
  /** The last run started in this window (or a window before), as this machine ran it from Start to its end. */
  measured = $state.raw<MeasuredRun | null>(null);
  /** The speed the backend chooser measured for what trains next, in samples a second. */
  backendSpeed = $state<{ samplesPerSecond: number; label: string } | null>(null);
  /** How long Start would take, from what this machine measured, or a stated rough figure. */
  estimate = $derived(this.#estimate());
  /** The window's title: the progress while training, seen in the task bar from anywhere. */
  windowTitle = $derived(this.#windowTitle());
  /** What the active model's accuracy was measured on. */
  accuracyBasis = $derived(this.#accuracyBasis());

  /** My digits: saved from the Draw place, shown in the Dataset place, counted for fine-tuning. */
  readonly digits: MyDigitsState;
  /** The person's data sets: imported folders, browsed in the Dataset place, evaluated on and trained with. */
  readonly sets: DataSetsState;
  /** What a new run trains with besides the form's spec: MNIST alone, or a data set beside it or alone. */
  readonly ownData: OwnDataChoice;

  /** The runs side by side in the Model place. */
  readonly compare: CompareState;
  /** The notebook's variants, queued as runs. */
  readonly queue: QueueState;
  /** Fine-tuning the active model on my digits. */
  readonly finetune: FinetuneState;
  /** The active model's evaluation, asked for once and shared by the places that show it. */
  #evaluation: Promise<ModelEvaluation> | null = null;
  /** When the run started here was launched and showed its first batch (a resumed run is not measured). */
  #timing: { launchedAt: number; firstBatchAt: number | null } | null = null;
  readonly #storage: FormStorage | null;
  /** Who opens a sample when another place asks (the Dataset place). */
  #sampleOpeners: ((split: 'train' | 'test', index: number) => void)[] = [];

  constructor(
    readonly api: StudioApi,
    private readonly ask: Ask = (question) => window.confirm(question),
    storage?: FormStorage | null,
    /** Milliseconds on a steady clock (a fake one in tests). */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.form = new TrainingForm(storage);
    this.#storage = storage === undefined ? (globalThis.localStorage ?? null) : storage;
    this.measured = readMeasured(this.#storage);
    this.compare = new CompareState(api, (action) => this.attempt(action));
    this.queue = new QueueState(api, this.run, {
      attempt: (action) => this.attempt(action),
      tell: (text) => (this.notice = { kind: 'info', text }),
      samplesPerSecond: () => this.estimate,
      compare: this.compare,
    });
    this.digits = new MyDigitsState(api, (question) => this.ask(question));
    this.sets = new DataSetsState(api);
    this.ownData = new OwnDataChoice(this.sets);
    this.finetune = new FinetuneState(api, this.run, {
      digits: this.digits,
      sets: this.sets,
      attempt: (action) => this.attempt(action),
      refreshRuns: () => this.refreshRuns(),
      runs: () => this.readableRuns,
      speed: () => this.estimate,
      clearNotice: () => (this.notice = null),
    });
    api.on('training:progress', ({ runId, progress, point }) => {
      if (this.#timing && this.#timing.firstBatchAt === null) this.#timing.firstBatchAt = this.now();
      this.run.batch(runId, progress, point);
    });
    // The record a training thread sends is the one shown: no re-listing of every run.json per epoch.
    api.on('training:epoch', ({ metrics, run }) => {
      this.run.epoch(metrics);
      this.#take(run);
    });
    api.on('training:done', ({ run, stopped }) => {
      if (!stopped) this.#measure(run);
      this.#timing = null;
      this.run.ended(stopped ? 'stopped' : 'done');
      this.#take(run);
      const name = runName(run).replace(/^./, (first) => first.toUpperCase());
      this.notice = {
        kind: 'info',
        text: !stopped
          ? `${name} finished: ${pct(run.last?.valAccuracy)} validation accuracy.`
          : run.epochsDone === 0
            ? `${name} stopped before its first epoch ended: there is no trained model to use yet (Resume continues it).`
            : `${name} stopped after ${run.epochsDone} epoch${run.epochsDone === 1 ? '' : 's'}; its model is saved.`,
      };
    });
    api.on('training:error', ({ message }) => {
      this.run.ended('failed');
      this.notice = { kind: 'error', text: `Training failed: ${message}` };
      void this.refreshRuns();
      // A run that failed on the GPU sends the next one to the CPU: the header says so.
      void this.api.invoke('app:info').then(
        (info) => (this.info = info),
        () => undefined,
      );
    });
    // The engine's thread died and its shell starts it again: a run it trained ended with it (its last
    // epoch is saved), and the window waits, saying so, until the engine is back.
    api.on('engine:status', ({ state, message }) => {
      if (state === 'ready') {
        this.disconnected = null;
        void this.load().catch((err: unknown) => (this.notice = { kind: 'error', text: messageOf(err) }));
        return;
      }
      this.engineLost(message, 'Training stopped with the engine; its last finished epoch is saved (Resume continues it).');
    });
    api.on('model:changed', (model) => {
      this.#evaluation = null;
      this.activeModel = model;
      // A model the list has never seen was imported (File › Import Model…): list it.
      if (model.id !== 'bundled' && !this.runs.some((run) => run.id === model.id)) void this.refreshRuns();
    });
  }

  /**
   * The engine is out of reach (its thread died, or the link dropped): the banner says why, and a live run's
   * controls stop offering Stop and an ETA that nothing will answer.
   */
  engineLost(
    reason: string,
    runNotice = 'Training can no longer be followed: the engine is out of reach. Once it is back, the run shows as it stands (Resume continues a stopped run from its last finished epoch).',
  ): void {
    this.disconnected = reason;
    if (!this.run.running) return;
    this.run.ended('failed');
    this.notice = { kind: 'error', text: runNotice };
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
    // The run goes on the charts; the form stays the person's own (a queue's last variant is not theirs).
    this.run.restore(status);
    this.queue.take(status.queue);
    await this.refreshRuns();
  }

  /** The form's spec, limits and the current run, as the views read them. */
  get spec(): ModelSpec {
    return this.form.spec;
  }
  set spec(spec: ModelSpec) {
    this.form.spec = spec;
  }
  get trainLimit(): number | null {
    return this.form.trainLimit;
  }
  set trainLimit(limit: number | null) {
    this.form.trainLimit = limit;
  }
  get testLimit(): number | null {
    return this.form.testLimit;
  }
  set testLimit(limit: number | null) {
    this.form.testLimit = limit;
  }
  get runId() {
    return this.run.id;
  }
  get running() {
    return this.run.running;
  }
  get stopping() {
    return this.run.stopping;
  }
  get progress() {
    return this.run.progress;
  }
  get batches() {
    return this.run.batches;
  }
  get epochs() {
    return this.run.epochs;
  }
  get outcome() {
    return this.run.outcome;
  }

  /** A run's name as banners and dialogs say it, from its id (its name, else when it was made). */
  nameOf(id: string): string {
    const run = this.readableRuns.find((r) => r.id === id);
    return run ? runName(run) : `run ${id}`;
  }

  /** What the next run trains on, as the backend choice reports it (the header shows it), and its measured speed. */
  showBackend(shown: TrainingBackend & { options?: { name: string; samplesPerSecond: number | null }[] }): void {
    if (this.info) this.info = { ...this.info, backend: shown.backend, backendLabel: shown.backendLabel };
    const speed = shown.options?.find((option) => option.name === shown.backend)?.samplesPerSecond;
    if (speed) this.backendSpeed = { samplesPerSecond: speed, label: shown.backendLabel };
  }

  /** A run started here ended: keep how long it took to start and how fast it went, validation included. */
  #measure(run: RunRecord): void {
    const timing = this.#timing;
    if (!timing || timing.firstBatchAt === null || run.id !== this.run.id) return;
    const measured = measureRun(
      { launchedAt: timing.launchedAt, firstBatchAt: timing.firstBatchAt, doneAt: this.now() },
      { epochs: run.epochsDone, train: run.trainLimit ?? SPLIT_COUNTS.train, validation: run.testLimit ?? SPLIT_COUNTS.test },
      runName(run),
    );
    if (!measured) return;
    this.measured = measured;
    try {
      this.#storage?.setItem(MEASURED_KEY, JSON.stringify(measured));
    } catch {
      // Storage full or refused: the estimate still has it until the window closes.
    }
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

  /** Show `run` as its training thread sent it: in its place in the list, or in order (newest first) if new. */
  #take(run: RunRecord): void {
    if (this.runs.some((r) => r.id === run.id)) {
      this.runs = this.runs.map((r) => (r.id === run.id ? run : r));
      return;
    }
    const at = this.runs.findIndex((r) => r.id < run.id);
    this.runs = at < 0 ? [...this.runs, run] : [...this.runs.slice(0, at), run, ...this.runs.slice(at)];
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

  /** Start a new run with the form's spec and limits, and the data set chosen to train with (if any). */
  async start(): Promise<void> {
    if (!this.canStart) return;
    await this.#launch($state.snapshot(this.spec), this.trainLimit ?? undefined, this.testLimit ?? undefined, undefined, this.ownData.request);
  }

  /** Continue a stopped run from its checkpoint, with its own spec and limits; the form stays as it is. */
  async resume(run: RunRecord): Promise<void> {
    if (this.running) return;
    await this.#launch(run.spec, run.trainLimit, run.testLimit, run.id);
  }

  async #launch(
    spec: ModelSpec,
    trainLimit: number | undefined,
    testLimit: number | undefined,
    resumeId?: string,
    ownData?: OwnDataRequest,
  ): Promise<void> {
    this.notice = null;
    this.#timing = resumeId ? null : { launchedAt: this.now(), firstBatchAt: null };
    const started = await this.attempt(async () => {
      const resumed = resumeId ? { id: resumeId, curves: await this.api.invoke('runs:metrics', { id: resumeId }) } : undefined;
      const start = async () =>
        (await this.api.invoke('training:start', { spec, trainLimit, testLimit, resumeId, ...(ownData && { ownData }) })).runId;
      await this.run.launch(start, resumed);
      return true;
    });
    if (!started) this.#timing = null;
    await this.attempt(() => this.refreshRuns());
  }

  async stop(): Promise<void> {
    this.run.stop();
    const reply = await this.attempt(() => this.api.invoke('training:stop'));
    if (reply?.dropped) this.notice = { kind: 'info', text: `Stopping this run; the ${reply.dropped} queued after it will not train.` };
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

  /** Show a past run's curves in the charts (when nothing is training); the form stays the person's. */
  async show(run: RunRecord): Promise<void> {
    if (this.running) return;
    const metrics = await this.attempt(() => this.api.invoke('runs:metrics', { id: run.id }));
    if (metrics && !this.running) this.run.show(run, metrics);
  }

  /** Put a run's settings in the Training form, as the person asked, and name every field that changed. */
  useSettingsOf(run: RunRecord): void {
    if (this.running) return;
    const changes = this.form.useSettingsOf(run);
    this.notice = {
      kind: 'info',
      near: run.id,
      text: changes.length
        ? `The Training form now has the settings of ${runName(run)}: ${changes.join('; ')}.`
        : `The Training form already had the settings of ${runName(run)}: nothing changed.`,
    };
  }

  async activate(id: string): Promise<void> {
    // A reading model reads whole numbers (Draw's number mode); the model that predicts stays as it was.
    const reading = this.readableRuns.find((r) => r.id === id)?.spec.reading === true;
    const model = await this.attempt(() => this.api.invoke('runs:activate', { id }));
    if (!model) return;
    const now = reading
      ? `Now reading whole numbers with ${this.nameOf(id)}; predictions stay with ${model.label}.`
      : `Now predicting with ${model.label}.`;
    this.notice = { kind: 'info', text: `${now}${model.unsaved ? ` ${model.unsaved}` : ''}` };
  }

  /** Delete a run after asking; its curves leave the charts if they were on them. */
  async remove(id: string): Promise<void> {
    const active = this.activeModel?.id === id;
    const name = this.nameOf(id);
    const question = active
      ? `Delete ${name}? It is the active model: predictions go back to the bundled model. This cannot be undone.`
      : `Delete ${name} and its saved model? This cannot be undone.`;
    if (!this.ask(question)) return;
    const done = await this.attempt(() => this.api.invoke('runs:delete', { id }));
    if (done && this.runId === id && !this.running) this.run.clear();
    await this.attempt(() => this.refreshRuns());
  }

  #canStart(): boolean {
    return (
      this.check.ok &&
      !this.limitIssues.trainLimit &&
      !this.limitIssues.testLimit &&
      !this.running &&
      !this.queue.active &&
      this.ownData.problem === null
    );
  }

  #estimate(): Estimate {
    const mnist = Number.isInteger(this.trainLimit) && this.trainLimit! > 0 ? this.trainLimit! : SPLIT_COUNTS.train;
    const epochs = Number.isFinite(this.spec.epochs) ? this.spec.epochs : 0;
    const mnistValidation = Number.isInteger(this.testLimit) && this.testLimit! > 0 ? this.testLimit! : SPLIT_COUNTS.test;
    // A data set trained with: its images less the share held out (which then validates instead of MNIST's test digits).
    const own = this.ownData.request;
    const set = own && this.sets.sets.find((s) => s.name === own.set);
    const held = set ? Math.round(set.count * own.validation) : 0;
    const samples = set ? set.count - held + (own.mnist ? mnist : 0) : mnist;
    const validation = set && held > 0 ? held : mnistValidation;
    const speed = this.#speed();
    const startup = this.measured?.startupSeconds ?? null;
    return {
      samples,
      epochs,
      ...speed,
      startupSeconds: startup ?? STARTUP_SECONDS.typical,
      startupMeasured: startup !== null,
      ...estimateSeconds(1, epochs * (samples + validation * VALIDATION_COST), speed.samplesPerSecond, speed.measured, startup),
    };
  }

  /** What this machine measured, best first: the last run started here from Start to its end, when it trained long
   *  enough to measure more than its warm-up; else the newest run that did; else the last run started here however
   *  short; else the backend chooser's measure; else a rough figure. A tiny run's slow first batches alone would
   *  halve the speed (and double the estimate), so its speed per batch is never used. */
  #speed(): Pick<Estimate, 'samplesPerSecond' | 'measuredBy' | 'measured'> {
    const here = this.measured && {
      samplesPerSecond: this.measured.samplesPerSecond,
      measuredBy: `the last run, ${this.measured.by}`,
      measured: true,
    };
    if (here && this.measured!.samples >= MIN_MEASURED_SAMPLES) return here;
    const by = this.readableRuns.find((r) => r.last && r.last.samplesPerSecond > 0 && (r.trainLimit ?? SPLIT_COUNTS.train) >= MIN_MEASURED_SAMPLES);
    if (by) return { samplesPerSecond: by.last!.samplesPerSecond, measuredBy: runName(by), measured: true };
    if (here) return here;
    if (this.backendSpeed)
      return { samplesPerSecond: this.backendSpeed.samplesPerSecond, measuredBy: `Choose what trains on ${this.backendSpeed.label}`, measured: true };
    return { samplesPerSecond: ROUGH_SAMPLES_PER_SECOND, measuredBy: null, measured: false };
  }

  #windowTitle(): string {
    const p = this.progress;
    if (!this.running || !p) return 'Digit Studio';
    return `Epoch ${p.epoch}/${p.epochs} · ${Math.floor(runFraction(p) * 100)}% — Digit Studio`;
  }

  #accuracyBasis(): string {
    if (this.activeModel?.declared) return 'declared';
    const id = this.activeModel?.id;
    const limit = this.readableRuns.find((r) => r.id === id)?.testLimit;
    return limit && limit < SPLIT_COUNTS.test ? `validation on ${limit.toLocaleString('en-US')} digits` : 'test';
  }
}

/** A run as banners and dialogs name it: "run" and its name, or when it was made. */
export const runName = (run: RunRecord) => (run.name ? `run “${run.name}”` : `the run of ${runTitle(run)}`);

/** A fraction as a percentage, or `—` when unknown. */
export const pct = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`);

/** A duration as people read it: `42s`, `3m 5s`, `1h 12m`; null (not yet measured) reads `estimating…`. */
export function duration(seconds: number | null): string {
  if (seconds === null) return 'estimating…';
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`;
}
