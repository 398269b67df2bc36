// The contract's implementation over the engine: one Studio per app, shared by Electron's main process
// and the browser-mode host. Transport-free: handlers take validated payloads and return plain data.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ActiveModel, EventChannel, EventPayloads, InvokeChannel, InvokeInput, InvokeOutputs } from '../shared/contract.ts';
import { initBackend, isHeapFailure, rebuildBackend, type BackendName, tf } from './runtime/backend.ts';
import { bundledModelDir, bundledReadingDir, readBundledManifest } from './model/bundled.ts';
import { type Dataset, firstOfEachDigit, loadDataset, page, PIXELS } from './data/dataset.ts';
import type { evaluateInWorker } from './model/evaluator.ts';
import { Evaluations } from './model/evaluations.ts';
import { explain, firstLayerFilters } from './model/explain.ts';
import { nearestTo } from './model/neighbours.ts';
import { ActiveIndex, STALE_INDEX } from './model/neighbours-index.ts';
import { EpochModels } from './model/epochs.ts';
import { UserError } from './errors.ts';
import { readModel } from './model/model-io.ts';
import { predictField } from './model/predict.ts';
import { isReadingModel, readNumber } from './model/read.ts';
import { type FileOps, realFileOps } from './store/atomic.ts';
import { RunStore } from './store/runs.ts';
import { SettingsFile } from './store/settings.ts';
import { DigitStore, listEntry } from './store/digits.ts';
import { DIGITS_PAGE } from '../shared/digits.ts';
import { augmentPreview } from './data/augment-preview.ts';
import { fromIdxPair, readPairFolder, toIdxPair, writePairFolder } from './data/idx-pair.ts';
import { defaultSpec } from '../shared/spec.ts';
import { type Prepared, TrainingSession } from './training/session.ts';
import { startTraining } from './training/trainer.ts';
import { TrainingBackends } from './training/backends.ts';
import { checkEnoughDigits, holdOut } from './training/finetune.ts';
import { sweepTempDirs } from './model/upload.ts';
import { DataSets } from './data-sets.ts';
import { ownData } from './training/own-data.ts';
import { ModelTransfer } from './model/transfer.ts';
import type { Engine } from './engine.ts';
import { dispatch } from './dispatch.ts';

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
  /** How a run trains; a worker thread unless a test stands in for it. */
  train?: typeof startTraining;
  /**
   * A lane: a second Studio on the same folder that answers heavy reads beside the owner. It repairs and writes
   * nothing, opens with the saved active model and is told of each change (`follow`).
   */
  lane?: boolean;
}

type Handlers = { [C in InvokeChannel]: (input: InvokeInput<C>) => Promise<InvokeOutputs[C]> };
type Listener = <E extends EventChannel>(channel: E, payload: EventPayloads[E]) => void;

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export class Studio implements Engine {
  /** What training runs on: automatic, the person's choice, or the CPU after a GPU failed. */
  private readonly backends = new TrainingBackends();
  private readonly store: RunStore;
  private readonly transfer: ModelTransfer;
  private readonly settings: SettingsFile;
  private readonly digits: DigitStore;
  /** The person's own data sets: stored, browsed, imported, trained and evaluated on. */
  private readonly sets: DataSets;
  /** Where the data sets are stored. */
  get dataSetsRoot(): string {
    return this.sets.store.root;
  }
  private readonly listeners = new Set<Listener>();
  private readonly session: TrainingSession;
  /** The active model's folder. */
  private activeDir = bundledModelDir();
  private readonly evaluations: Evaluations;
  /** The active model's nearest-training-digits index (built in a worker on first ask). */
  private readonly neighbours: ActiveIndex;
  /** The reading model that chooses a written number's cuts (null: none could be loaded; the digit model judges). */
  private reader: { id: string; model: tf.LayersModel } | null = null;
  /** The epochs' models of the run last asked about (the drawing's history). */
  private readonly epochModels = new EpochModels();
  /** The backend being rebuilt after its WebAssembly heap failed; requests wait for it. */
  private rebuilding: Promise<void> | null = null;

  private constructor(
    private readonly options: StudioOptions,
    private readonly backend: BackendName,
    private readonly dataset: Dataset,
    private model: tf.LayersModel,
    private active: ActiveModel,
  ) {
    this.store = new RunStore(join(options.userDir, 'runs'), options.fileOps ?? realFileOps);
    this.transfer = new ModelTransfer(this.store, options.userDir, backend);
    this.evaluations = new Evaluations(options.dataDir, options.evaluate);
    this.settings = new SettingsFile(options.userDir, options.fileOps ?? realFileOps);
    this.digits = new DigitStore(join(options.userDir, 'digits'), options.fileOps ?? realFileOps);
    this.sets = new DataSets(options.userDir, dataset, options.fileOps ?? realFileOps);
    const train = options.train ?? startTraining;
    // Each run trains on the backend chosen for it; a GPU that failed sends the next runs to the CPU.
    const onBackend: typeof startTraining = (job, onEvent, store) =>
      train(
        { ...job, backend: this.backends.next() },
        (event) => {
          if (event.type === 'error' && event.gpu) this.backends.gpuFailed(event.message);
          onEvent(event);
        },
        store,
      );
    this.session = new TrainingSession(this.store, (channel, payload) => this.emit(channel, payload), onBackend);
    this.neighbours = new ActiveIndex(dataset.train);
  }

  /** Start the engine: backend, dataset, and the active model (the bundled one unless another was chosen). */
  static async open(options: StudioOptions): Promise<Studio> {
    const backend = await initBackend();
    const dataset = await loadDataset(options.dataDir);
    const bundled = await readModel(bundledModelDir());
    const studio = new Studio(options, backend, dataset, bundled, bundledActive());
    // What kills and crashes left is repaired before anything lists or resumes a run; by the owner alone.
    if (!options.lane) {
      await studio.store.recover();
      await sweepTempDirs(options.userDir);
      await studio.digits.sweep();
      await studio.sets.store.sweep();
    }
    await studio.loadReader(studio.settings.read().activeReader ?? 'bundled').catch(() => studio.loadReader('bundled').catch(() => undefined));
    const saved = studio.settings.read().activeModel;
    // The saved choice is loaded, not saved again: a read-only home still opens with it.
    if (saved !== 'bundled')
      await studio.loadActive(saved).then(
        (next) => studio.swapModel(...next),
        () => undefined,
      );
    return studio;
  }

  /** Validate and answer one invoke from outside (dispatch.ts). */
  answer(channel: unknown, payload: unknown) {
    return dispatch(this, channel, payload);
  }

  /** A lane's move to the models the owner made active (the digit model, and the reading model it saved): loaded, never saved as the choice. */
  async follow(id: string): Promise<void> {
    if (id !== this.active.id) this.swapModel(...(await this.loadActive(id)));
    const reader = this.settings.read().activeReader ?? 'bundled';
    if (reader !== this.reader?.id) await this.loadReader(reader);
  }

  /** Subscribe to pushed events; returns the unsubscribe function. */
  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void {
    for (const listener of this.listeners) listener(channel, payload);
  }

  /** The folder of model `id` (a run's checkpoint, or the bundled model) and how it is named, without loading it. */
  private async describeModel(id: string): Promise<[string, ActiveModel]> {
    if (id === 'bundled') return [bundledModelDir(), bundledActive()];
    const record = await this.store.read(id);
    if (!record.checkpoint) throw new UserError(`run ${id} has no saved model yet`);
    return [await this.store.checkpointDir(id), { id, label: record.name ?? `run ${id}`, testAccuracy: record.last?.valAccuracy ?? null }];
  }

  /** Load a model by id without using it yet. */
  private async loadActive(id: string): Promise<[tf.LayersModel, ActiveModel, string]> {
    if (id === 'bundled') return [await readModel(bundledModelDir()), bundledActive(), bundledModelDir()];
    const record = await this.store.read(id);
    const dir = await this.store.checkpointDir(id);
    const model: ActiveModel = record.imported
      ? { id, label: record.name ?? `run ${id}`, testAccuracy: record.imported.declaredAccuracy, declared: true }
      : { id, label: record.name ?? `run ${id}`, testAccuracy: record.last?.valAccuracy ?? null };
    return [await readModel(dir), model, dir];
  }

  /** Load reading model `id` (the bundled one or a run trained with the reading recipe) and use it from now on. */
  private async loadReader(id: string): Promise<void> {
    const model = await readModel(id === 'bundled' ? bundledReadingDir() : await this.store.checkpointDir(id));
    if (!isReadingModel(model)) {
      model.dispose();
      throw new UserError(`run ${id} is not a reading model`);
    }
    this.reader?.model.dispose();
    this.reader = { id, model };
  }

  /** Whether run `id` was trained as a reading model. */
  private async isReadingRun(id: string): Promise<boolean> {
    return id !== 'bundled' && (await this.store.read(id)).spec.reading === true;
  }

  /**
   * Use model `id` from now on, switched only once it loaded. A choice that cannot be saved (a read-only or full
   * home) still holds for this session, and says it will not be remembered; a fault in saving changes nothing.
   */
  private async activate(id: string): Promise<ActiveModel> {
    if (await this.isReadingRun(id)) {
      // A reading model reads whole numbers; the digit model stays as it is.
      await this.loadReader(id);
      await this.settings.write({ ...this.settings.read(), activeReader: id });
      this.emit('model:changed', this.active);
      return this.active;
    }
    const [model, loaded, dir] = await this.loadActive(id);
    let active = loaded;
    try {
      await this.settings.write({ ...this.settings.read(), activeModel: id });
    } catch (err) {
      if (!(err instanceof UserError)) {
        model.dispose();
        throw err;
      }
      active = { ...loaded, unsaved: `This choice lasts until the studio closes: it could not be saved (${err.message}).` };
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
    this.neighbours.drop();
  }

  /**
   * Run `work` on this thread's backend. A failed WebAssembly heap would leave every later request answering
   * "Aborted()": the backend is rebuilt with a fresh heap and the active model loaded again, and this request is
   * refused in one line.
   */
  private async onBackend<T>(work: () => Promise<T>): Promise<T> {
    await this.rebuilding;
    try {
      return await work();
    } catch (err) {
      if (!isHeapFailure(err)) throw err;
      this.rebuilding ??= this.rebuild().finally(() => (this.rebuilding = null));
      await this.rebuilding;
      throw new UserError('the engine ran out of memory answering that request; it was restarted and answers again');
    }
  }

  private async rebuild(): Promise<void> {
    await rebuildBackend();
    // The old heap took every tensor with it: nothing held may be disposed of or used again.
    this.epochModels.forget();
    this.model = await readModel(this.activeDir);
    const reader = this.reader?.id;
    this.reader = null;
    if (reader) await this.loadReader(reader).catch(() => undefined);
  }

  readonly handlers: Handlers = {
    'app:info': async () => ({
      // What trains: the main thread itself predicts on the CPU.
      ...(await this.backends.current()),
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
      const result = page((await this.sets.of(split)).split, await this.sets.indices(split, label), offset, limit);
      return { ...result, pixels: base64(result.pixels) };
    },
    'dataset:sample': async ({ split, index }) => {
      const { split: data, files } = await this.sets.of(split);
      if (index >= data.count) throw new UserError(`${split} has ${data.count} samples; there is no index ${index}`);
      const pixels = data.pixels.subarray(index * PIXELS, (index + 1) * PIXELS);
      const { label, probabilities, confident, reason } = await this.onBackend(() =>
        predictField(
          this.model,
          Array.from(pixels, (v) => v / 255),
        ),
      );
      const prediction = { label, probabilities, confident, reason };
      return { split, index, label: data.labels[index], pixels: base64(pixels), prediction, ...(files && { file: files[index] }) };
    },
    'dataset:samples': async ({ split, indices }) => {
      const { split: data } = await this.sets.of(split);
      const missing = indices.find((index) => index >= data.count);
      if (missing !== undefined) throw new UserError(`${split} has ${data.count} samples; there is no index ${missing}`);
      const pixels = new Uint8Array(indices.length * PIXELS);
      indices.forEach((index, k) => pixels.set(data.pixels.subarray(index * PIXELS, (index + 1) * PIXELS), k * PIXELS));
      return { indices, labels: indices.map((index) => data.labels[index]), pixels: base64(pixels) };
    },
    'model:predict': async ({ field, ink }) => {
      const { label, probabilities, confident, reason } = await this.onBackend(() => predictField(this.model, field, ink));
      return { label, probabilities, confident, reason };
    },
    'model:read': async (input) => this.onBackend(() => readNumber(this.model, input, this.reader?.model ?? null)),
    'model:evaluate': async () => this.evaluations.of(this.activeDir, this.active),
    'model:explain': async ({ field }) => this.onBackend(() => explain(this.model, field)),
    'model:filters': async () => this.onBackend(() => firstLayerFilters(this.model)),
    'training:start': async (request) => ({
      runId:
        request.ownData && !request.resumeId
          ? await this.session.start(() => this.ownDataJob(request))
          : await this.session.startRun(request, this.options.dataDir),
    }),
    'training:queue': async (request) => this.session.startQueue(request, this.options.dataDir),
    'training:stop': async () => this.session.stop(),
    'training:status': async () => this.session.status(),
    'runs:list': async () => this.store.list(),
    'runs:metrics': async ({ id }) => this.store.history(id),
    'runs:activate': async ({ id }) => this.activate(id),
    'runs:delete': async ({ id }) => {
      if (this.session.runId === id) throw new UserError('that run is training; stop it before deleting it');
      // Checked before the active model changes: a refused delete leaves everything as it was.
      // Nothing there, nothing deleted: the reply says so instead of a success.
      if (!existsSync(this.store.dir(id))) return { deleted: false };
      await this.store.checkRemovable(id);
      if (this.active.id === id) await this.activate('bundled');
      await this.store.remove(id);
      return { deleted: true };
    },
    'runs:annotate': async ({ id, name, notes }) => {
      // A run this studio trains has its record written by its trainer alone: the trainer writes these too.
      const run = (await this.session.annotate(id, { name, notes })) ?? (await this.store.annotate(id, { name, notes }));
      // The header names the active model by its run's name.
      if (this.active.id === id) this.active = { ...this.active, label: run.name ?? `run ${id}` };
      return run;
    },
    'model:export': async () => ({
      folder: `digit-studio-${this.active.id === 'bundled' ? 'bundled' : this.active.id}`,
      files: await this.transfer.files(this.active, this.activeDir),
    }),
    'model:import': async ({ files, name }) => this.activate(await this.transfer.importUpload(files, name)),
    'digits:list': async ({ offset }) => {
      const { digits: all, unreadable } = await this.digits.readAll();
      // One page per reply: a collection of any size fits the transports' reply limit.
      const digits = all.slice(offset, offset + DIGITS_PAGE);
      const pixels = new Uint8Array(digits.length * PIXELS);
      digits.forEach((d, k) => pixels.set(d.pixels, k * PIXELS));
      return { total: all.length, digits: digits.map(listEntry), pixels: base64(pixels), unreadable: unreadable.map((u) => u.problem) };
    },
    'digits:save': async ({ label, drawing }) => listEntry(await this.digits.add(label, drawing)),
    'digits:relabel': async ({ id, label }) => listEntry(await this.digits.relabel(id, label)),
    'digits:delete': async ({ id }) => ({ deleted: await this.digits.remove(id) }),
    'digits:export': async () => toIdxPair(await this.collection()),
    'digits:import': async (pair) => this.digits.append(fromIdxPair(pair)),
    'training:augmentPreview': async ({ augment, seed, count, reading }) => {
      const preview = augmentPreview(this.dataset.train, augment, seed, count, reading);
      return { ...preview, pixels: base64(preview.pixels) };
    },
    'training:finetune': async (request) => ({ runId: await this.session.start(() => this.finetuneJob(request)) }),
    'training:backends': async () => this.backends.report(),
    'training:chooseBackend': async ({ backend }) => this.backends.choose(backend),
    'model:neighbours': async ({ field, count }) => {
      const dir = this.activeDir;
      const index = await this.neighbours.of(dir);
      // The index is of the model active when asked: one swapped in meanwhile has its own, built on the next ask.
      if (dir !== this.activeDir) throw new UserError(STALE_INDEX);
      return this.onBackend(() => nearestTo(this.model, index, field, count));
    },
    'runs:epochHistory': async ({ id, field }) => this.onBackend(() => this.epochModels.history(this.store, id, field)),
    'runs:epochExplain': async ({ id, epoch, field }) =>
      this.onBackend(async () => {
        const { model, release } = await this.epochModels.model(this.store, id, epoch);
        try {
          return await explain(model, field);
        } finally {
          release();
        }
      }),
    'datasets:list': async () => this.sets.list(),
    'datasets:stage': async ({ ticket, files }) => this.sets.stage(ticket, files),
    'datasets:commit': async ({ ticket, name, source }) => this.sets.commit(ticket, name, source),
    'datasets:delete': async ({ name }) => ({ deleted: await this.sets.remove(name) }),
    'datasets:evaluate': async ({ name, run }) => {
      const { files, updatedAt } = await this.sets.read(name);
      const [dir, model] = run === undefined ? [this.activeDir, this.active] : await this.describeModel(run);
      const evaluation = await this.onBackend(() => this.evaluations.of(dir, model, { root: this.sets.store.root, name, version: updatedAt }));
      return { ...evaluation, set: name, files };
    },
  };

  /** A new run with a data set's images beside MNIST (or alone), validated on their held-out share. */
  private async ownDataJob({ spec, trainLimit, testLimit, name, ownData: request }: InvokeInput<'training:start'>): Promise<Prepared> {
    const { set, mnist, validation } = request!;
    const { split } = await this.sets.read(set);
    const job = { spec, trainLimit, testLimit, ...(name?.trim() && { name }), ownData: ownData(set, split, validation, mnist, spec.seed) };
    return { job };
  }

  /** Export the active model to the new or empty folder `dir` (TF.js Layers files and a manifest). */
  exportModel(dir: string): Promise<void> {
    return this.transfer.exportTo(this.model, this.active, dir);
  }

  /** Import the model folder `dir` as a finished run and make it the active model. */
  async importModel(dir: string): Promise<ActiveModel> {
    return this.activate(await this.transfer.importFolder(dir));
  }

  /** A fine-tune run from the active model on MNIST plus my digits (see training/finetune.ts), read once the session is claimed. */
  private async finetuneJob({ epochs, learningRate, heldOut, trainLimit, testLimit, set }: InvokeInput<'training:finetune'>): Promise<Prepared> {
    // A data set fine-tunes as my digits do: its images a share of every batch, some held out.
    const collection = set ? (await this.sets.read(set)).split : await this.digits.split();
    checkEnoughDigits(collection.count, set);
    const base = this.active.id === 'bundled' ? defaultSpec() : (await this.store.read(this.active.id)).spec;
    const spec = { ...base, epochs, learningRate };
    const { train, heldOut: held } = holdOut(collection, heldOut, spec.seed);
    const finetune = { fromDir: this.activeDir, fromLabel: this.active.label, mine: train, heldOut: held, ...(set && { set }) };
    return { job: { spec, trainLimit, testLimit, finetune } };
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

  /** Add the digits of the IDX training pair in folder `dir` to my digits; returns how many (those it already had are skipped). */
  async importDigits(dir: string): Promise<number> {
    return (await this.digits.append(await readPairFolder(dir))).added;
  }

  /** Stop any training and wait for it to save. */
  close(): Promise<void> {
    this.epochModels.dispose();
    return this.session.close();
  }
}

function bundledActive(): ActiveModel {
  const manifest = readBundledManifest();
  return { id: 'bundled', label: 'bundled LeNet-5', testAccuracy: manifest?.testAccuracy ?? null };
}
