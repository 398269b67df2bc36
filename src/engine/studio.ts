// The contract's implementation over the engine: one Studio per app, shared by Electron's main process
// and the browser-mode host. Transport-free: handlers take validated payloads and return plain data.
import { join, sep } from 'node:path';
import type {
  ActiveModel,
  BatchPoint,
  EventChannel,
  EventPayloads,
  InvokeChannel,
  InvokeInput,
  InvokeOutputs,
  ModelEvaluation,
  QueueStatus,
  RunRecord,
  TrainingStatus,
} from '../shared/contract.ts';
import { BACKEND_LABELS, initBackend, type BackendName, tf } from './runtime/backend.ts';
import { bundledModelDir, readBundledManifest } from './model/bundled.ts';
import { type Dataset, firstOfEachDigit, indicesOf, loadDataset, page, PIXELS, type SplitName } from './data/dataset.ts';
import { evaluateInWorker } from './model/evaluator.ts';
import { type ExchangeManifest, exportModelFolder, importModelFolder } from './model/exchange.ts';
import { explain, firstLayerFilters } from './model/explain.ts';
import { UserError } from './errors.ts';
import { readModel } from './model/model-io.ts';
import { predictField } from './model/predict.ts';
import { readNumber } from './model/read.ts';
import { type FileOps, realFileOps } from './store/atomic.ts';
import { addPoint, batchPoint } from './store/history.ts';
import { RunStore } from './store/runs.ts';
import { SettingsFile } from './store/settings.ts';
import { DigitStore, listEntry } from './store/digits.ts';
import { augmentPreview } from './data/augment-preview.ts';
import { fromIdxPair, readPairFolder, toIdxPair, writePairFolder } from './data/idx-pair.ts';
import { defaultSpec } from '../shared/spec.ts';
import { startTraining, type TrainingHandle } from './training/trainer.ts';
import { checkEnoughDigits, holdOut } from './training/finetune.ts';
import { isResumable } from '../shared/types.ts';
import type { TrainingEvent, TrainingJob } from './training/training-messages.ts';
import { readFolderFiles, sweepTempDirs, withTempDir, writeUpload } from './model/upload.ts';

export interface StudioOptions {
  /** The per-user folder: runs/ and settings.json live here. */
  userDir: string;
  dataDir?: string;
  transport: 'electron' | 'websocket';
  version: string;
  /** The file operations of the run store and the settings; tests and the fault script inject failures here. */
  fileOps?: FileOps;
  /** How a model is evaluated on the test split; a worker thread unless a test counts the calls. */
  evaluate?: typeof evaluateInWorker;
}

type Handlers = { [C in InvokeChannel]: (input: InvokeInput<C>) => Promise<InvokeOutputs[C]> };
type Listener = <E extends EventChannel>(channel: E, payload: EventPayloads[E]) => void;

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export class Studio {
  private readonly store: RunStore;
  private readonly settings: SettingsFile;
  private readonly digits: DigitStore;
  private readonly listeners = new Set<Listener>();
  private readonly matching = new Map<string, Uint32Array>();
  private training: { handle: TrainingHandle; status: TrainingStatus } | null = null;
  /** The active model's folder. */
  private activeDir = bundledModelDir();
  /** Evaluations by model folder, running or done: a later ask for the same model shares the first. */
  private readonly evaluations = new Map<string, Promise<ModelEvaluation>>();
  /** The last evaluation queued: each waits for the one before, so that one worker holds the dataset at a time. */
  private evaluationQueue: Promise<unknown> = Promise.resolve();
  private lastStatus: TrainingStatus = { runId: null, running: false, spec: null, progress: null, batches: [], epochs: [] };
  /** The queue of runs training now, or the last one. */
  private queue: QueueStatus | null = null;

  private constructor(
    private readonly options: StudioOptions,
    private readonly backend: BackendName,
    private readonly dataset: Dataset,
    private model: tf.LayersModel,
    private active: ActiveModel,
  ) {
    this.store = new RunStore(join(options.userDir, 'runs'), options.fileOps ?? realFileOps);
    this.settings = new SettingsFile(options.userDir, options.fileOps ?? realFileOps);
    this.digits = new DigitStore(join(options.userDir, 'digits'), options.fileOps ?? realFileOps);
  }

  /** Start the engine: backend, dataset, and the active model (the bundled one unless another was chosen). */
  static async open(options: StudioOptions): Promise<Studio> {
    const backend = await initBackend();
    const dataset = await loadDataset(options.dataDir);
    const bundled = await readModel(bundledModelDir());
    const studio = new Studio(options, backend, dataset, bundled, bundledActive());
    // What kills and crashes left is repaired before anything lists or resumes a run.
    await studio.store.recover();
    await sweepTempDirs(options.userDir);
    const saved = studio.settings.read().activeModel;
    // The saved choice is loaded, not saved again: a read-only home still opens with it.
    if (saved !== 'bundled')
      await studio.loadActive(saved).then(
        (next) => studio.swapModel(...next),
        () => undefined,
      );
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

  /** Load a model by id without using it yet. */
  private async loadActive(id: string): Promise<[tf.LayersModel, ActiveModel, string]> {
    if (id === 'bundled') return [await readModel(bundledModelDir()), bundledActive(), bundledModelDir()];
    const record = await this.store.read(id);
    const dir = await this.store.checkpointDir(id);
    return [await readModel(dir), { id, label: record.name ?? `run ${id}`, testAccuracy: record.last?.valAccuracy ?? null }, dir];
  }

  /** Use model `id` from now on: switched only once it loaded and the choice was saved, so a failure changes nothing. */
  private async activate(id: string): Promise<ActiveModel> {
    const [model, active, dir] = await this.loadActive(id);
    try {
      await this.settings.write({ activeModel: id });
    } catch (err) {
      model.dispose();
      throw err;
    }
    this.swapModel(model, active, dir);
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
      const point: BatchPoint = batchPoint(event.progress);
      status.progress = event.progress;
      addPoint(status.batches, point);
      this.emit('training:progress', { runId: event.runId, progress: event.progress, point });
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
      const { label, probabilities, confident, reason } = await predictField(
        this.model,
        Array.from(pixels, (v) => v / 255),
      );
      return { split, index, label: data.labels[index], pixels: base64(pixels), prediction: { label, probabilities, confident, reason } };
    },
    'dataset:samples': async ({ split, indices }) => {
      const data = this.dataset[split];
      const missing = indices.find((index) => index >= data.count);
      if (missing !== undefined) throw new UserError(`${split} has ${data.count} samples; there is no index ${missing}`);
      const pixels = new Uint8Array(indices.length * PIXELS);
      indices.forEach((index, k) => pixels.set(data.pixels.subarray(index * PIXELS, (index + 1) * PIXELS), k * PIXELS));
      return { indices, labels: indices.map((index) => data.labels[index]), pixels: base64(pixels) };
    },
    'model:predict': async ({ field, ink }) => {
      const { label, probabilities, confident, reason } = await predictField(this.model, field, ink);
      return { label, probabilities, confident, reason };
    },
    'model:read': async (input) => readNumber(this.model, input),
    'model:evaluate': async () => this.evaluateActive(),
    'model:explain': async ({ field }) => explain(this.model, field),
    'model:filters': async () => firstLayerFilters(this.model),
    'training:start': async (request) => {
      const { resumeId } = request;
      let job: Omit<TrainingJob, 'runsRoot'> = {
        spec: request.spec,
        trainLimit: request.trainLimit,
        testLimit: request.testLimit,
        dataDir: this.options.dataDir,
        name: request.name,
      };
      const status: TrainingStatus = { runId: resumeId ?? null, running: true, spec: job.spec, progress: null, batches: [], epochs: [] };
      if (resumeId) {
        const record = await this.store.read(resumeId);
        if (!isResumable(record)) throw new UserError(notResumable(record));
        // A resumed run goes on with everything it was started with, whatever the form holds now.
        job = { spec: record.spec, trainLimit: record.trainLimit, testLimit: record.testLimit, dataDir: record.dataDir, resumeId };
        status.spec = record.spec;
        Object.assign(status, await this.store.history(resumeId));
      }
      // Checked after the awaits above, and claimed below without another: two starts cannot both pass.
      this.checkIdle();
      return { runId: await this.begin(job, status).started };
    },
    'training:queue': async ({ items, trainLimit, testLimit }) => {
      this.checkIdle();
      const queue: QueueStatus = { names: items.map((item) => item.name), current: 0, runIds: [], active: true, dropped: 0 };
      this.queue = queue;
      void this.runQueue(queue, items, { trainLimit, testLimit });
      return { queued: items.length };
    },
    'training:stop': async () => {
      const queue = this.queue?.active ? this.queue : null;
      // The rest of a queue is dropped first, so that the run stopping now is its last.
      if (queue) Object.assign(queue, { active: false, dropped: queue.names.length - queue.current - 1 });
      this.training?.handle.stop();
      return { stopping: this.training !== null || queue !== null, ...(queue ? { dropped: queue.dropped } : {}) };
    },
    'training:status': async () => {
      const status = this.training?.status ?? this.lastStatus;
      if (!this.queue) return status;
      // Between two queued runs nothing trains, but the queue is still under way.
      return { ...status, running: status.running || this.queue.active, queue: { ...this.queue, runIds: [...this.queue.runIds] } };
    },
    'runs:list': async () => this.store.list(),
    'runs:metrics': async ({ id }) => this.store.history(id),
    'runs:activate': async ({ id }) => this.activate(id),
    'runs:delete': async ({ id }) => {
      if (this.training?.status.runId === id) throw new UserError('that run is training; stop it before deleting it');
      // Checked before the active model changes: a refused delete leaves everything as it was.
      await this.store.checkRemovable(id);
      if (this.active.id === id) await this.activate('bundled');
      await this.store.remove(id);
      return { deleted: true };
    },
    // Channels declared for issues 9 and 10 whose engine side is being built (each replaced by its implementation).
    'runs:annotate': async ({ id, name, notes }) => {
      // A run this studio trains has its record written by its trainer alone: the trainer writes these too.
      const training = this.training?.status.runId === id ? this.training : null;
      const run = (await training?.handle.annotate({ name, notes })) ?? (await this.store.annotate(id, { name, notes }));
      // The header names the active model by its run's name.
      if (this.active.id === id) this.active = { ...this.active, label: run.name ?? `run ${id}` };
      return run;
    },
    'model:export': async () => {
      const files = await withTempDir(this.options.userDir, async (dir) => {
        const folder = join(dir, 'model');
        await this.exportModel(folder);
        return readFolderFiles(folder);
      });
      return { folder: `digit-studio-${this.active.id === 'bundled' ? 'bundled' : this.active.id}`, files };
    },
    'model:import': async ({ files }) =>
      withTempDir(this.options.userDir, async (dir) => {
        try {
          await writeUpload(files, dir);
          const run = await importModelFolder(this.store, dir, this.backend, 'uploaded model');
          return await this.activate(run.id);
        } catch (err) {
          // The temporary folder means nothing to the person: the message names the upload instead.
          throw err instanceof UserError
            ? new UserError(err.message.replaceAll(dir + sep, 'the uploaded ').replaceAll(dir, 'the uploaded model'))
            : err;
        }
      }),
    'digits:list': async () => {
      const { digits, unreadable } = await this.digits.readAll();
      const pixels = new Uint8Array(digits.length * PIXELS);
      digits.forEach((d, k) => pixels.set(d.pixels, k * PIXELS));
      return { digits: digits.map(listEntry), pixels: base64(pixels), unreadable: unreadable.map((u) => u.problem) };
    },
    'digits:save': async ({ label, drawing }) => listEntry(await this.digits.add(label, drawing)),
    'digits:relabel': async ({ id, label }) => listEntry(await this.digits.relabel(id, label)),
    'digits:delete': async ({ id }) => ({ deleted: await this.digits.remove(id) }),
    'digits:export': async () => toIdxPair(await this.collection()),
    'digits:import': async (pair) => ({ added: await this.digits.append(fromIdxPair(pair)) }),
    'training:augmentPreview': async ({ augment, seed, count }) => {
      const preview = augmentPreview(this.dataset.train, augment, seed, count);
      return { ...preview, pixels: base64(preview.pixels) };
    },
    'training:finetune': async (request) => this.startFinetune(request),
  };

  /** Refuse a start while a run or a queue of runs trains. */
  private checkIdle(): void {
    if (this.training || this.queue?.active) throw new UserError('a training run is already in progress; stop it first');
  }

  /** Start training `job` as the current run: `started` gives its id, `finished` settles once it has ended either way. */
  private begin(job: Omit<TrainingJob, 'runsRoot'>, status: TrainingStatus): { started: Promise<string>; finished: Promise<void> } {
    let finished!: Promise<void>;
    const started = new Promise<string>((resolve, reject) => {
      const handle = startTraining({ ...job, runsRoot: this.store.root }, (event) => {
        this.onTraining(event);
        if (event.type === 'started') resolve(event.run.id);
        if (event.type === 'error') reject(new UserError(event.message));
      });
      this.training = { handle, status };
      finished = handle.done
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => {
          this.lastStatus = { ...status, running: false };
          if (this.training?.handle === handle) this.training = null;
        });
    });
    return { started, finished };
  }

  /** Train the queue's items one after another; a failing item is recorded on its run and the next one goes on. */
  private async runQueue(
    queue: QueueStatus,
    items: { name: string; spec: TrainingJob['spec'] }[],
    limits: Pick<TrainingJob, 'trainLimit' | 'testLimit'>,
  ) {
    for (const [index, item] of items.entries()) {
      if (!queue.active) break;
      queue.current = index;
      const status: TrainingStatus = { runId: null, running: true, spec: item.spec, progress: null, batches: [], epochs: [] };
      const run = this.begin({ spec: item.spec, ...limits, dataDir: this.options.dataDir, name: item.name }, status);
      await run.started.then(
        (id) => queue.runIds.push(id),
        () => undefined,
      );
      await run.finished;
    }
    queue.active = false;
  }

  /** The active model on the test split: queued behind any other evaluation, shared with any for the same model. */
  private evaluateActive(): Promise<ModelEvaluation> {
    const { activeDir: dir, active } = this;
    const known = this.evaluations.get(dir);
    if (known) return known;
    const evaluate = this.options.evaluate ?? evaluateInWorker;
    const result = this.evaluationQueue.then(() => evaluate(dir, this.options.dataDir)).then((e) => ({ model: active, ...e }));
    this.evaluationQueue = result.catch(() => undefined);
    this.evaluations.set(dir, result);
    // A result is kept (a few kilobytes; a model folder never changes once saved); a failure is not: asking again tries again.
    result.catch(() => this.evaluations.get(dir) === result && this.evaluations.delete(dir));
    return result;
  }

  /** Export the active model to the new or empty folder `dir` (TF.js Layers files and a manifest). */
  async exportModel(dir: string): Promise<void> {
    const record = this.active.id === 'bundled' ? null : await this.store.read(this.active.id);
    const manifest: ExchangeManifest = {
      source: this.active.label,
      spec: record?.spec ?? defaultSpec(),
      testAccuracy: this.active.testAccuracy,
      last: record?.last,
    };
    await exportModelFolder(this.model, dir, manifest);
  }

  /** Import the model folder `dir` as a finished run and make it the active model. */
  async importModel(dir: string): Promise<ActiveModel> {
    const run = await importModelFolder(this.store, dir, this.backend, 'uploaded model');
    return this.activate(run.id);
  }

  /** Start a fine-tune run from the active model on MNIST plus my digits (see training/finetune.ts). */
  private async startFinetune({
    epochs,
    learningRate,
    heldOut,
    trainLimit,
    testLimit,
  }: InvokeInput<'training:finetune'>): Promise<{ runId: string }> {
    const collection = await this.digits.split();
    checkEnoughDigits(collection.count);
    const base = this.active.id === 'bundled' ? defaultSpec() : (await this.store.read(this.active.id)).spec;
    const spec = { ...base, epochs, learningRate };
    const { train, heldOut: held } = holdOut(collection, heldOut, spec.seed);
    const finetune = { fromDir: this.activeDir, fromLabel: this.active.label, mine: train, heldOut: held };
    if (this.training) throw new UserError('a training run is already in progress; stop it first');
    const status: TrainingStatus = { runId: null, running: true, spec, progress: null, batches: [], epochs: [] };
    const starting = new Promise<string>((resolve, reject) => {
      const handle = startTraining({ spec, trainLimit, testLimit, runsRoot: this.store.root, finetune }, (event) => {
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
    return { runId: await starting };
  }

  /** My digits as a split, newest first; refused when there are none. */
  private async collection() {
    const split = await this.digits.split();
    if (split.count === 0) throw new UserError('there are no saved digits to export yet');
    return split;
  }

  /** Export my digits into folder `dir` as an IDX training pair (what `--data DIR` reads); returns how many. */
  async exportDigits(dir: string): Promise<number> {
    const split = await this.collection();
    await writePairFolder(dir, split, this.options.fileOps ?? realFileOps);
    return split.count;
  }

  /** Add the digits of the IDX training pair in folder `dir` to my digits; returns how many. */
  async importDigits(dir: string): Promise<number> {
    return this.digits.append(await readPairFolder(dir));
  }

  /** Stop any training and wait for it to save. */
  async close(): Promise<void> {
    // A queue goes no further: nothing starts after the run stopped here.
    if (this.queue?.active) Object.assign(this.queue, { active: false, dropped: this.queue.names.length - this.queue.current - 1 });
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

function notResumable(run: RunRecord): string {
  if (run.status === 'running') return `run ${run.id} is training already`;
  if (run.status === 'done' || run.epochsDone >= run.spec.epochs) return `run ${run.id} is done; there is nothing left to train`;
  return `run ${run.id} has no saved checkpoint to resume from`;
}
