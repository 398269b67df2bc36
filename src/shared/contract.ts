// The one IPC contract: every channel declared once. Invoke channels carry a payload validated with zod on
// the receiving side; events are pushed from the engine to the window. Electron's preload and the
// browser-mode WebSocket both implement `StudioApi`, so the renderer cannot tell which it has.
import { z } from 'zod';
import { PIXELS, SPLIT_COUNTS } from './mnist.ts';
import { ValidModelSpecSchema } from './spec.ts';
import type { ModelSpec } from './spec.ts';
import type { Evaluation, FilterImage, ModelExplanation } from './explain.ts';
import { RUN_ID_PATTERN, type BatchProgress, type EpochMetrics, type RunListEntry, type RunRecord } from './types.ts';
import type { EventChannel, InvokeChannel } from './channels.ts';
import { AugmentSchema } from './augment.ts';
import { InkSummarySchema } from './ink.ts';
import { DIGIT_ID_PATTERN, DrawingSchema, StrokesSchema, type IdxPair, type MyDigit, type MyDigitsList } from './digits.ts';
import {
  type DataSetEntry,
  MAX_IMAGE_FILE_BYTES,
  MAX_STAGE_FILES,
  OwnDataRequestSchema,
  SetNameSchema,
  type SetImportReport,
  type Source,
  SourceSchema,
  type StagedImport,
} from './datasets.ts';

export type { BatchProgress, EpochMetrics, EventChannel, InvokeChannel, ModelSpec, RunListEntry, RunRecord };
export { eventChannels, invokeChannels } from './channels.ts';

const Digit = z.number().int().min(0).max(9);
const RunId = z.string().regex(RUN_ID_PATTERN, 'a run id looks like 20261127-203000-1a2b');
const DigitId = z.string().regex(DIGIT_ID_PATTERN, 'a digit id looks like d-0123456789ab');
const Base64 = (maxBytes: number, what: string) =>
  z
    .string()
    .max(Math.ceil(maxBytes / 3) * 4, `${what} is larger than ${Math.round(maxBytes / 1024 ** 2)} MB`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, `${what} must be base64`);
// Control characters (NUL, ESC…) and the bidirectional overrides (RLO…) that make a name read as another.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above
const CONTROLS_AND_BREAKS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` without control or direction-override characters; line breaks and tabs are kept only when `multiline`. */
export function withoutControls(text: string, multiline = false): string {
  return text.replace(multiline ? CONTROLS : CONTROLS_AND_BREAKS, '');
}

/** A person's name for a run, and their notes on it (run.json holds them under the same limits). */
export const RunNameSchema = z
  .string()
  .transform((name) => withoutControls(name))
  .pipe(z.string().trim().max(80, 'a run name has at most 80 characters'));
export const RunNotesSchema = z
  .string()
  .transform((notes) => withoutControls(notes, true))
  .pipe(z.string().max(2000, 'notes have at most 2,000 characters'));
const RunName = RunNameSchema;
/** A file of a model folder crossing the contract (browser mode's upload and download). */
const ModelFile = z.object({
  name: z.enum(['model.json', 'weights.bin', 'manifest.json'], { error: 'a model folder holds model.json, weights.bin and manifest.json' }),
  base64: Base64(64 * 1024 ** 2, 'a model file'),
});
const Limits = {
  trainLimit: z.number().int().min(1).max(SPLIT_COUNTS.train).optional(),
  testLimit: z.number().int().min(1).max(SPLIT_COUNTS.test).optional(),
};

/** Input schemas, one per invoke channel. */
export const invokeSchemas = {
  'app:info': z.undefined(),
  'dataset:info': z.undefined(),
  'dataset:page': z.object({
    split: SourceSchema,
    label: Digit.optional(),
    offset: z.number().int().min(0),
    limit: z.number().int().min(1).max(1000),
  }),
  'dataset:sample': z.object({ split: SourceSchema, index: z.number().int().min(0) }),
  'dataset:samples': z.object({ split: SourceSchema, indices: z.array(z.number().int().min(0)).max(1000) }),
  'model:predict': z.object({
    field: z.array(z.number().min(0).max(1)).length(PIXELS),
    /** The drawing's ink summary (shared/ink.ts), so that a dot or a tiny tick is called too little ink. */
    ink: InkSummarySchema.optional(),
  }),
  /** Read a whole number: a drawing's strokes on a canvas of its size, or an image (PNG, as the PNG limits allow). */
  'model:read': z.union([
    z.object({
      strokes: StrokesSchema,
      canvas: z.object({ width: z.number().int().min(1).max(4096), height: z.number().int().min(1).max(4096) }),
    }),
    z.object({ png: Base64(32 * 1024 ** 2, 'the image') }),
  ]),
  'model:evaluate': z.undefined(),
  'model:explain': z.object({ field: z.array(z.number().min(0).max(1)).length(PIXELS) }),
  'model:filters': z.undefined(),
  'training:start': z.object({
    spec: ValidModelSpecSchema,
    ...Limits,
    resumeId: RunId.optional(),
    name: RunName.optional(),
    /** Train with a data set too (or instead of MNIST), validated on its held-out share. */
    ownData: OwnDataRequestSchema.optional(),
  }),
  'training:stop': z.undefined(),
  'training:status': z.undefined(),
  'runs:list': z.undefined(),
  'runs:metrics': z.object({ id: RunId }),
  'runs:activate': z.object({ id: z.union([RunId, z.literal('bundled')]) }),
  'runs:delete': z.object({ id: RunId }),
  'runs:annotate': z.object({ id: RunId, name: RunName, notes: RunNotesSchema }),
  /** Train these one after another (the notebook's variants); each run takes its item's name. */
  'training:queue': z.object({
    items: z
      .array(z.object({ name: RunName, spec: ValidModelSpecSchema }))
      .min(1)
      .max(16, 'at most 16 runs at a time'),
    ...Limits,
  }),
  'model:export': z.undefined(),
  /** `name`: what the person typed for the import (else its manifest's name or source names it). */
  'model:import': z.object({ files: z.array(ModelFile).min(1).max(3), name: RunNameSchema.optional() }),
  'digits:list': z.object({ offset: z.number().int().min(0).max(1_000_000) }),
  'digits:save': z.object({ label: Digit, drawing: DrawingSchema }),
  'digits:relabel': z.object({ id: DigitId, label: Digit }),
  'digits:delete': z.object({ id: DigitId }),
  'digits:export': z.undefined(),
  'digits:import': z.object({ images: Base64(64 * 1024 ** 2, 'the images file'), labels: Base64(1024 ** 2, 'the labels file') }),
  'training:augmentPreview': z.object({
    augment: AugmentSchema,
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
    count: z.number().int().min(1).max(64),
    /** A reading model's preview: half the samples are its generated "not one digit" pieces (label 10). */
    reading: z.boolean().optional(),
  }),
  /** Fine-tune the active model on MNIST plus my digits. */
  'training:backends': z.undefined(),
  'training:chooseBackend': z.object({ backend: z.enum(['tensorflow', 'webgpu', 'wasm']).nullable() }),
  /** The training digits nearest to `field` under the active model (its last hidden layer), nearest first. */
  'model:neighbours': z.object({
    field: z.array(z.number().min(0).max(1)).length(PIXELS),
    count: z.number().int().min(1).max(32).optional(),
  }),
  /** What each kept epoch of run `id` answers for `field`. */
  'runs:epochHistory': z.object({ id: RunId, field: z.array(z.number().min(0).max(1)).length(PIXELS) }),
  /** Inside the network for `field` as run `id` was after epoch `epoch`. */
  'runs:epochExplain': z.object({ id: RunId, epoch: z.number().int().min(1), field: z.array(z.number().min(0).max(1)).length(PIXELS) }),
  'training:finetune': z.object({
    epochs: z.number().int().min(1).max(50),
    learningRate: z.number().gt(0).max(1),
    /** The share of my digits held out to measure before and after. */
    heldOut: z.number().min(0.1).max(0.5),
    /** MNIST replayed beside my digits (trainLimit: its first N training samples) and measured (testLimit). */
    ...Limits,
    /** Fine-tune on this data set instead of my digits. */
    set: SetNameSchema.optional(),
  }),
  'datasets:list': z.undefined(),
  /** A batch of a folder's image files (paths inside the folder, `3/a.png`), read into an import under way (a new one without ticket). */
  'datasets:stage': z.object({
    ticket: z
      .string()
      .regex(/^[0-9a-f]{16}$/, 'an import ticket is 16 hex digits')
      .optional(),
    /** Each file's bytes, or only its size where it is over the cap (the window does not send it; it is skipped and named). */
    files: z
      .array(
        z.union([
          z.object({ path: z.string().max(1024), base64: Base64(MAX_IMAGE_FILE_BYTES, 'an image file') }),
          z.object({ path: z.string().max(1024), size: z.number().int().gt(MAX_IMAGE_FILE_BYTES) }),
        ]),
      )
      .max(MAX_STAGE_FILES, `at most ${MAX_STAGE_FILES} files at a time`),
  }),
  /** Store what an import read as data set `name` (added to it if it exists), all at once. */
  'datasets:commit': z.object({
    ticket: z.string().regex(/^[0-9a-f]{16}$/, 'an import ticket is 16 hex digits'),
    name: SetNameSchema,
    /** The folder's name, as the person picked it. */
    source: z
      .string()
      .transform((s) => withoutControls(s))
      .pipe(z.string().max(1024)),
  }),
  'datasets:delete': z.object({ name: SetNameSchema }),
  /** The active model (or run `run`'s, or the bundled one) on every image of data set `name`. */
  'datasets:evaluate': z.object({ name: SetNameSchema, run: z.union([RunId, z.literal('bundled')]).optional() }),
} as const satisfies Record<InvokeChannel, z.ZodType>;
export type InvokeInput<C extends InvokeChannel> = z.infer<(typeof invokeSchemas)[C]>;

export type Backend = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

export interface ActiveModel {
  id: string | 'bundled';
  label: string;
  testAccuracy: number | null;
  /** Why this choice will not be remembered at the next start (the settings could not be written); absent when it will. */
  unsaved?: string;
  /** The accuracy is what an imported model's manifest declares, not measured here. */
  declared?: boolean;
}

/** What training runs on: the backend and its label ("GPU: <adapter>", "CPU (TensorFlow)", "CPU (WebAssembly)"). */
export interface TrainingBackend {
  backend: Backend;
  backendLabel: string;
  /** Why the GPU is passed over since a run failed on it (the next runs train on the CPU). */
  gpuFailure?: string;
}

/** One backend a person may train on, with its speed measured on this machine. */
export interface BackendOption {
  name: Backend;
  label: string;
  adapter?: string;
  /** Samples per second training the notebook's model; null where it could not start. */
  samplesPerSecond: number | null;
  /** Why it cannot be used, where it cannot. */
  problem?: string;
}

export interface TrainingBackendsReport extends TrainingBackend {
  options: BackendOption[];
  /** The person's choice; null: automatic (native TensorFlow, else a self-checked GPU, else WebAssembly). */
  chosen: Backend | null;
}

export interface AppInfo extends TrainingBackend {
  activeModel: ActiveModel;
  transport: 'electron' | 'websocket';
  version: string;
}

export interface DatasetInfo {
  name: string;
  counts: { train: number; test: number };
  /** Index of the first sample of each digit 0–9 in each split (the notebook's overview). */
  overview: { train: number[]; test: number[] };
}

export interface DatasetPage {
  total: number;
  offset: number;
  indices: number[];
  labels: number[];
  /** indices.length × 784 bytes, base64. */
  pixels: string;
}

/** Chosen samples of a split, in the order asked for. */
export interface DatasetSamples {
  indices: number[];
  labels: number[];
  /** indices.length × 784 bytes, base64. */
  pixels: string;
}

export interface Prediction {
  label: number;
  probabilities: number[];
  /** False when the model is unsure or the ink too little to mean anything; `reason` then says which. */
  confident: boolean;
  reason?: string;
}

/** A training digit near an input: its index in the training split, its label, and the distance between embeddings. */
export interface Neighbour {
  index: number;
  label: number;
  distance: number;
}

/** What a run's model answered for one input after one epoch. */
export interface EpochAnswer {
  epoch: number;
  label: number;
  probabilities: number[];
}

/** A kept epoch whose model could not be read or asked, and why. */
export interface EpochSkipped {
  epoch: number;
  problem: string;
}

/**
 * A run's kept epochs' answers for one input (at most 50, spread evenly over a longer run); `epochs` is empty for
 * a run from before epochs were kept; `skipped` names the epochs left out because their model is damaged.
 */
export interface EpochHistory {
  epochsDone: number;
  epochs: EpochAnswer[];
  skipped?: EpochSkipped[];
}

/** What model:read is given: a drawing's strokes or a PNG. */
export type ReadInput = z.infer<(typeof invokeSchemas)['model:read']>;

/** One digit of a number read: its box in the input's pixels [x, y, width, height] and the model's answer. */
export interface ReadDigit extends Prediction {
  box: [number, number, number, number];
  /** The 28×28 field the model saw (0–1), for showing it and saving it to My digits. */
  field: number[];
}

/** A whole number read, digits left to right; `number` is their labels, sure or not. */
export interface NumberReading {
  number: string;
  digits: ReadDigit[];
}

/** A model folder's files, for browser mode's download. */
export interface ModelFiles {
  folder: string;
  files: { name: 'model.json' | 'weights.bin' | 'manifest.json'; base64: string }[];
  /** Under Electron the main process saves the folder where the person chose instead (files then empty); absent when they cancelled. */
  savedTo?: string;
}

/** The active model on the whole test split. */
export interface ModelEvaluation extends Evaluation {
  model: ActiveModel;
}

export interface DatasetSample {
  split: Source;
  /** A data set's image: its file inside the folder it came from. */
  file?: string;
  index: number;
  label: number;
  /** 784 bytes, base64. */
  pixels: string;
  prediction: Prediction;
}

export interface TrainingStatus {
  runId: string | null;
  running: boolean;
  spec: ModelSpec | null;
  progress: BatchProgress | null;
  batches: BatchPoint[];
  epochs: EpochMetrics[];
  /** The queue of runs (training:queue) this run belongs to, while it trains and after. */
  queue?: QueueStatus;
}

/** Runs trained one after another (training:queue): what is queued, what ran, and whether it goes on. */
export interface QueueStatus {
  /** Every item's name, in training order. */
  names: string[];
  /** The item training now, or trained last (0-based). */
  current: number;
  /** The runs the queue has made so far, in order. */
  runIds: string[];
  /** False once every item has run or a stop dropped the rest. */
  active: boolean;
  /** Items a stop dropped without training them. */
  dropped: number;
}

/** A point of the per-batch charts: global step and the epoch's running means. */
export interface BatchPoint {
  step: number;
  /** The batch's place in its epoch, from 1 (the running means restart at each epoch's first batch). */
  batch?: number;
  loss: number;
  accuracy: number;
}

/** What each invoke channel resolves to. */
export interface InvokeOutputs {
  'app:info': AppInfo;
  'dataset:info': DatasetInfo;
  'dataset:page': DatasetPage;
  'dataset:sample': DatasetSample;
  'dataset:samples': DatasetSamples;
  'model:predict': Prediction;
  'model:read': NumberReading;
  'model:evaluate': ModelEvaluation;
  'model:explain': ModelExplanation;
  'model:filters': FilterImage[];
  'training:start': { runId: string };
  /** `dropped`: the queued runs that will not train now. */
  'training:stop': { stopping: boolean; dropped?: number };
  'training:status': TrainingStatus;
  'runs:list': RunListEntry[];
  'runs:metrics': { batches: BatchPoint[]; epochs: EpochMetrics[] };
  'runs:activate': ActiveModel;
  'runs:delete': { deleted: boolean };
  'runs:annotate': RunRecord;
  'training:queue': { queued: number };
  'model:export': ModelFiles;
  'model:import': ActiveModel;
  'digits:list': MyDigitsList;
  'digits:save': MyDigit;
  'digits:relabel': MyDigit;
  'digits:delete': { deleted: boolean };
  'digits:export': IdxPair;
  /** `skipped`: digits the collection already held (same label, same field). */
  'digits:import': { added: number; skipped: number };
  'training:augmentPreview': DatasetSamples;
  'training:finetune': { runId: string };
  'training:backends': TrainingBackendsReport;
  'training:chooseBackend': TrainingBackendsReport;
  'model:neighbours': Neighbour[];
  'runs:epochHistory': EpochHistory;
  'runs:epochExplain': ModelExplanation;
  'datasets:list': { sets: DataSetEntry[]; unreadable: string[] };
  'datasets:stage': StagedImport;
  'datasets:commit': SetImportReport;
  'datasets:delete': { deleted: boolean };
  /** `files`: each image's file, by index (a mistake's file is files[index]). */
  'datasets:evaluate': ModelEvaluation & { set: string; files: string[] };
}

/** Events pushed to the window. */
export interface EventPayloads {
  'training:progress': { runId: string; progress: BatchProgress; point: BatchPoint };
  /** `run`: the record as the training thread wrote it with this epoch's checkpoint; windows show it as is. */
  'training:epoch': { runId: string; metrics: EpochMetrics; run: RunRecord };
  'training:done': { run: RunRecord; stopped: boolean };
  'training:error': { runId: string | null; message: string };
  'model:changed': ActiveModel;
  /** The engine's thread died (`stopped`: requests it held were refused, a run it trained was cut short) or is back (`ready`). */
  'engine:status': { state: 'stopped' | 'ready'; message: string };
}

// Every event channel has a payload type, and every payload type a channel.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const contractIsComplete: Exact<keyof EventPayloads, EventChannel> & Exact<keyof InvokeOutputs, InvokeChannel> = true;

/** What every transport answers an invoke with; errors are plain messages, never stack traces. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

/** How one request may be called off. */
export interface InvokeOptions {
  /**
   * Aborting cancels the request: browser mode rejects it at once and the engine drops it if it has not started.
   * Electron's IPC cannot carry a signal, so there the reply still comes (and the asker drops it).
   */
  signal?: AbortSignal;
}

/** The renderer's whole view of the engine. */
export interface StudioApi {
  transport: 'electron' | 'websocket';
  invoke<C extends InvokeChannel>(
    channel: C,
    ...payload: InvokeInput<C> extends undefined ? [] : [InvokeInput<C>, InvokeOptions?]
  ): Promise<InvokeOutputs[C]>;
  /** Subscribe to an event; returns the unsubscribe function. */
  on<E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void): () => void;
}

export const isInvokeChannel = (name: unknown): name is InvokeChannel => typeof name === 'string' && Object.hasOwn(invokeSchemas, name);
