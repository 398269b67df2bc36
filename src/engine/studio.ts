// The contract's implementation over the engine: one Studio per app, shared by Electron's main process
// and the browser-mode host. Transport-free: handlers take validated payloads and return plain data.
import { join } from 'node:path';
import type {
  ActiveModel,
  BatchPoint,
  EventChannel,
  EventPayloads,
  InvokeChannel,
  InvokeInput,
  InvokeOutputs,
  ModelEvaluation,
  TrainingStatus,
} from '../shared/contract.ts';
import { BACKEND_LABELS, initBackend, type BackendName, tf } from './runtime/backend.ts';
import { bundledModelDir, readBundledManifest } from './model/bundled.ts';
import { type Dataset, firstOfEachDigit, indicesOf, loadDataset, page, PIXELS, type SplitName } from './data/dataset.ts';
import { evaluateInWorker } from './model/evaluator.ts';
import { explain, firstLayerFilters } from './model/explain.ts';
import { UserError } from './errors.ts';
import { readModel } from './model/model-io.ts';
import { predictField } from './model/predict.ts';
import { RunStore } from './store/runs.ts';
import { SettingsFile } from './store/settings.ts';
import type { EpochMetrics } from './training/train.ts';
import { startTraining, type TrainingHandle } from './training/trainer.ts';
import type { TrainingEvent } from './training/training-messages.ts';

export interface StudioOptions {
  /** The per-user folder: runs/ and settings.json live here. */
  userDir: string;
  dataDir?: string;
  transport: 'electron' | 'websocket';
  version: string;
}

type Handlers = { [C in InvokeChannel]: (input: InvokeInput<C>) => Promise<InvokeOutputs[C]> };
type Listener = <E extends EventChannel>(channel: E, payload: EventPayloads[E]) => void;

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export class Studio {
  private readonly store: RunStore;
  private readonly settings: SettingsFile;
  private readonly listeners = new Set<Listener>();
  private readonly matching = new Map<string, Uint32Array>();
  private training: { handle: TrainingHandle; status: TrainingStatus } | null = null;
  /** The active model's folder, and its test-set evaluation once asked for (per model). */
  private activeDir = bundledModelDir();
  private evaluation: { dir: string; result: Promise<ModelEvaluation> } | null = null;
  private lastStatus: TrainingStatus = { runId: null, running: false, spec: null, progress: null, batches: [], epochs: [] };

  private constructor(
    private readonly options: StudioOptions,
    private readonly backend: BackendName,
    private readonly dataset: Dataset,
    private model: tf.LayersModel,
    private active: ActiveModel,
  ) {
    this.store = new RunStore(join(options.userDir, 'runs'));
    this.settings = new SettingsFile(options.userDir);
  }

  /** Start the engine: backend, dataset, and the active model (the bundled one unless another was chosen). */
  static async open(options: StudioOptions): Promise<Studio> {
    const backend = await initBackend();
    const dataset = await loadDataset(options.dataDir);
    const bundled = await readModel(bundledModelDir());
    const studio = new Studio(options, backend, dataset, bundled, bundledActive());
    const saved = studio.settings.read().activeModel;
    if (saved !== 'bundled') await studio.activate(saved).catch(() => undefined);
    return studio;
  }

  /** Subscribe to pushed events; returns the unsubscribe function. */
  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void {
    for (const listener of this.listeners) listener(channel, payload);
  }

  private indices(split: SplitName, label?: number): Uint32Array {
    const key = `${split}:${label ?? 'all'}`;
    let found = this.matching.get(key);
    if (!found) this.matching.set(key, (found = indicesOf(this.dataset[split], label)));
    return found;
  }

  private async activate(id: string): Promise<ActiveModel> {
    if (id === 'bundled') {
      this.swapModel(await readModel(bundledModelDir()), bundledActive(), bundledModelDir());
    } else {
      const record = await this.store.read(id);
      const dir = await this.store.checkpointDir(id);
      const accuracy = record.last?.valAccuracy ?? null;
      this.swapModel(await readModel(dir), { id, label: `run ${id}`, testAccuracy: accuracy }, dir);
    }
    await this.settings.write({ activeModel: id });
    this.emit('model:changed', this.active);
    return this.active;
  }

  private swapModel(model: tf.LayersModel, active: ActiveModel, dir: string): void {
    this.model.dispose();
    this.model = model;
    this.active = active;
    this.activeDir = dir;
  }

  private onTraining(event: TrainingEvent): void {
    const status = this.training?.status;
    if (!status) return;
    if (event.type === 'started') {
      status.runId = event.run.id;
    } else if (event.type === 'batch') {
      const p = event.progress;
      const point: BatchPoint = { step: (p.epoch - 1) * p.batches + p.batch, loss: p.loss, accuracy: p.accuracy };
      status.progress = p;
      status.batches.push(point);
      this.emit('training:progress', { runId: event.runId, progress: p, point });
    } else if (event.type === 'epoch') {
      status.epochs.push(event.metrics);
      this.emit('training:epoch', { runId: event.runId, metrics: event.metrics });
    } else if (event.type === 'done') {
      this.emit('training:done', { run: event.run, stopped: event.stopped });
    } else {
      this.emit('training:error', { runId: status.runId, message: event.message });
    }
  }

  readonly handlers: Handlers = {
    'app:info': async () => ({
      backend: this.backend,
      backendLabel: BACKEND_LABELS[this.backend],
      activeModel: this.active,
      transport: this.options.transport,
      version: this.options.version,
    }),
    'dataset:info': async () => ({
      name: this.dataset.name,
      counts: { train: this.dataset.train.count, test: this.dataset.test.count },
      overview: { train: firstOfEachDigit(this.dataset.train), test: firstOfEachDigit(this.dataset.test) },
    }),
    'dataset:page': async ({ split, label, offset, limit }) => {
      const result = page(this.dataset[split], this.indices(split, label), offset, limit);
      return { ...result, pixels: base64(result.pixels) };
    },
    'dataset:sample': async ({ split, index }) => {
      const data = this.dataset[split];
      if (index >= data.count) throw new UserError(`${split} has ${data.count} samples; there is no index ${index}`);
      const pixels = data.pixels.subarray(index * PIXELS, (index + 1) * PIXELS);
      const { label, probabilities } = await predictField(
        this.model,
        Array.from(pixels, (v) => v / 255),
      );
      return { split, index, label: data.labels[index], pixels: base64(pixels), prediction: { label, probabilities } };
    },
    'dataset:samples': async ({ split, indices }) => {
      const data = this.dataset[split];
      const missing = indices.find((index) => index >= data.count);
      if (missing !== undefined) throw new UserError(`${split} has ${data.count} samples; there is no index ${missing}`);
      const pixels = new Uint8Array(indices.length * PIXELS);
      indices.forEach((index, k) => pixels.set(data.pixels.subarray(index * PIXELS, (index + 1) * PIXELS), k * PIXELS));
      return { indices, labels: indices.map((index) => data.labels[index]), pixels: base64(pixels) };
    },
    'model:predict': async ({ field }) => {
      const { label, probabilities } = await predictField(this.model, field);
      return { label, probabilities };
    },
    'model:evaluate': async () => {
      const active = this.active;
      if (this.evaluation?.dir !== this.activeDir) {
        const result = evaluateInWorker(this.activeDir, this.options.dataDir).then((e) => ({ model: active, ...e }));
        const entry = { dir: this.activeDir, result };
        this.evaluation = entry;
        // A failed evaluation is not kept: asking again tries again.
        result.catch(() => this.evaluation === entry && (this.evaluation = null));
      }
      return this.evaluation.result;
    },
    'model:explain': async ({ field }) => explain(this.model, field),
    'model:filters': async () => firstLayerFilters(this.model),
    'training:start': async (request) => {
      const { trainLimit, testLimit, resumeId } = request;
      let spec = request.spec;
      const status: TrainingStatus = { runId: resumeId ?? null, running: true, spec, progress: null, batches: [], epochs: [] };
      if (resumeId) {
        const record = await this.store.read(resumeId);
        if (record.status !== 'stopped') throw new UserError(`run ${resumeId} is ${record.status}; only a stopped run can be resumed`);
        // A resumed run goes on with its own spec, whatever the editor holds now.
        spec = status.spec = record.spec;
        Object.assign(status, await this.handlers['runs:metrics']({ id: resumeId }));
      }
      // Checked after the awaits above, and claimed below without another: two starts cannot both pass.
      if (this.training) throw new UserError('a training run is already in progress; stop it first');
      const job = { spec, trainLimit, testLimit, resumeId, runsRoot: this.store.root, dataDir: this.options.dataDir };
      const started = new Promise<string>((resolve, reject) => {
        const handle = startTraining(job, (event) => {
          this.onTraining(event);
          if (event.type === 'started') resolve(event.run.id);
          if (event.type === 'error') reject(new UserError(event.message));
        });
        this.training = { handle, status };
        handle.done
          .catch(() => undefined)
          .finally(() => {
            this.lastStatus = { ...status, running: false };
            this.training = null;
          });
      });
      return { runId: await started };
    },
    'training:stop': async () => {
      this.training?.handle.stop();
      return { stopping: this.training !== null };
    },
    'training:status': async () => this.training?.status ?? this.lastStatus,
    'runs:list': async () => this.store.list(),
    'runs:metrics': async ({ id }) => {
      const events = (await this.store.readMetrics(id)) as ({ event: string } & Record<string, number>)[];
      const batches: BatchPoint[] = events
        .filter((e) => e.event === 'batch')
        .map((e) => ({ step: (e.epoch - 1) * e.batches + e.batch, loss: e.loss, accuracy: e.accuracy }));
      const epochs = events.filter((e) => e.event === 'epoch') as unknown as EpochMetrics[];
      return { batches, epochs };
    },
    'runs:activate': async ({ id }) => this.activate(id),
    'runs:delete': async ({ id }) => {
      if (this.training?.status.runId === id) throw new UserError('that run is training; stop it before deleting it');
      if (this.active.id === id) await this.activate('bundled');
      await this.store.remove(id);
      return { deleted: true };
    },
  };

  /** Stop any training and wait for it to save. */
  async close(): Promise<void> {
    const training = this.training;
    if (!training) return;
    training.handle.stop();
    await training.handle.done.catch(() => undefined);
  }
}

function bundledActive(): ActiveModel {
  const manifest = readBundledManifest();
  return { id: 'bundled', label: 'bundled LeNet-5', testAccuracy: manifest?.testAccuracy ?? null };
}
