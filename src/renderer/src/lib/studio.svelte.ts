// App-wide state: what the engine is, the active model, the training run and the list of runs.
// It subscribes to the engine's events once, so training goes on being followed from any place.
import type {
  ActiveModel,
  AppInfo,
  BatchPoint,
  BatchProgress,
  DatasetInfo,
  EpochMetrics,
  ModelSpec,
  RunListEntry,
  RunRecord,
  StudioApi,
} from '../../../shared/contract';
import { defaultSpec } from '../../../shared/spec';

export type Place = 'dataset' | 'training' | 'draw' | 'model';

export class StudioState {
  place = $state<Place>('dataset');
  info = $state.raw<AppInfo | null>(null);
  dataset = $state.raw<DatasetInfo | null>(null);
  activeModel = $state.raw<ActiveModel | null>(null);
  runs = $state.raw<RunListEntry[]>([]);
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

  constructor(readonly api: StudioApi) {
    api.on('training:progress', ({ runId, progress, point }) => {
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
        text: stopped
          ? `Run ${run.id} stopped after ${run.epochsDone} epoch(s); its model is saved.`
          : `Run ${run.id} finished: ${pct(run.last?.valAccuracy)} validation accuracy.`,
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
    api.on('model:changed', (model) => (this.activeModel = model));
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
      this.progress = status.progress;
      this.batches = status.batches;
      this.epochs = status.epochs;
      if (status.spec) this.spec = status.spec;
    }
    await this.refreshRuns();
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

  async start(resumeId?: string): Promise<void> {
    const spec = $state.snapshot(this.spec);
    this.notice = null;
    await this.attempt(async () => {
      const request = { spec, trainLimit: this.trainLimit ?? undefined, testLimit: this.testLimit ?? undefined, resumeId };
      if (resumeId) {
        const metrics = await this.api.invoke('runs:metrics', { id: resumeId });
        this.batches = metrics.batches;
        this.epochs = metrics.epochs;
      } else {
        this.batches = [];
        this.epochs = [];
      }
      this.progress = null;
      this.outcome = null;
      this.running = true;
      const { runId } = await this.api.invoke('training:start', request);
      this.runId = runId;
      await this.refreshRuns();
    });
    if (!this.runId) this.running = false;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.attempt(() => this.api.invoke('training:stop'));
  }

  /** Show a past run's curves in the charts (when nothing is training). */
  async show(run: RunRecord): Promise<void> {
    if (this.running) return;
    const metrics = await this.attempt(() => this.api.invoke('runs:metrics', { id: run.id }));
    if (!metrics) return;
    this.runId = run.id;
    this.batches = metrics.batches;
    this.epochs = metrics.epochs;
    this.progress = null;
    this.outcome = run.status === 'done' ? 'finished' : run.status === 'failed' ? 'failed' : 'stopped';
    this.spec = run.spec;
  }

  async activate(id: string): Promise<void> {
    const model = await this.attempt(() => this.api.invoke('runs:activate', { id }));
    if (model) this.notice = { kind: 'info', text: `Now predicting with ${model.label}.` };
  }

  async remove(id: string): Promise<void> {
    await this.attempt(() => this.api.invoke('runs:delete', { id }));
    await this.refreshRuns();
  }
}

export const pct = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`);

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`;
}
