// Saves and loads models in TF.js Layers format (model.json + weights.bin), and optimizer state beside them.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { join } from 'node:path';
import { initBackend, tf } from '../runtime/backend.ts';
import { type FileOps, realFileOps } from '../store/atomic.ts';
import { readUserFile, UserError } from '../errors.ts';
import { checkBuiltModel, checkTopology, MAX_LAYERS, MAX_MODEL_JSON_BYTES, MAX_WEIGHTS_BYTES } from './check.ts';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const OPTIMIZER_JSON = 'optimizer.json';
export const OPTIMIZER_BIN = 'optimizer.bin';

function concat(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  const parts = Array.isArray(data) ? data : [data];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(new Uint8Array(part), offset);
    offset += part.byteLength;
  }
  return out;
}

/** Write `model` into the (existing, empty) folder `dir` as model.json + weights.bin. */
export async function writeModel(dir: string, model: tf.LayersModel, fs: FileOps = realFileOps): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await fs.writeFile(join(dir, MODEL_JSON), JSON.stringify(modelJson));
      await fs.writeFile(join(dir, WEIGHTS_BIN), concat(artifacts.weightData ?? new ArrayBuffer(0)));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** The bytes that weights of these shapes take (float32 and int32 alike: 4 bytes a value). */
function byteLength(specs: { shape: number[] }[]): number {
  return specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
}

async function readOrFail(path: string, what: string, maxBytes?: number): Promise<Uint8Array> {
  if (!existsSync(path)) throw new UserError(`${path}: missing (${what})`);
  return readUserFile(path, maxBytes);
}

// What a weightsManifest entry must say: plain float32 or int32 values (4 bytes each), of whole-number shapes.
const WeightSpecSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()).max(8),
  dtype: z.enum(['float32', 'int32']),
});
/**
 * What the studio reads of a model.json, for a model folder and an upload alike: a Layers topology (walked by
 * check.ts before anything is built) and one group of weights, read from one file.
 */
export const ModelJsonSchema = z.object({
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z.array(z.object({ paths: z.array(z.string()).optional(), weights: z.array(WeightSpecSchema).max(4 * MAX_LAYERS) })).length(1),
});

/**
 * Load a Layers model from a folder holding model.json + weights.bin. The model is checked before tfjs builds it
 * and tried once built (see check.ts): a model that fails is refused in one line naming the folder.
 */
/**
 * The first kernel (a weight of two or more dimensions) in `data` that is all zeros, by name, or null. No model
 * trains to that, but a power loss before the data reached the disk leaves such a file: its model answers 10% for every digit.
 */
export function zeroKernel(specs: readonly { name: string; shape: readonly number[] }[], data: Uint8Array): string | null {
  let offset = 0;
  for (const { name, shape } of specs) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    if (shape.length >= 2 && bytes > 0 && data.subarray(offset, offset + bytes).every((b) => b === 0)) return name;
    offset += bytes;
  }
  return null;
}

export async function readModel(dir: string): Promise<tf.LayersModel> {
  await initBackend();
  const jsonPath = join(dir, MODEL_JSON);
  const json = await readOrFail(jsonPath, 'not a saved model folder', MAX_MODEL_JSON_BYTES);
  let parsed: { modelTopology?: unknown; weightsManifest?: unknown };
  try {
    parsed = JSON.parse(new TextDecoder().decode(json));
  } catch {
    throw new UserError(`${jsonPath}: not valid JSON`);
  }
  if (!parsed.modelTopology || !Array.isArray(parsed.weightsManifest)) {
    throw new UserError(`${jsonPath}: not a TF.js Layers model (no modelTopology or weightsManifest)`);
  }
  const manifest = ModelJsonSchema.shape.weightsManifest.safeParse(parsed.weightsManifest);
  if (!manifest.success) throw new UserError(`${jsonPath}: its weightsManifest is not one group of float32 weights`);
  const weightSpecs = manifest.data[0].weights as tf.io.WeightsManifestEntry[];
  const facts = checkTopology(parsed.modelTopology, byteLength(weightSpecs) / 4, jsonPath);
  const weights = await readOrFail(join(dir, WEIGHTS_BIN), 'the model weights', MAX_WEIGHTS_BYTES);
  const expected = byteLength(weightSpecs);
  if (weights.byteLength !== expected) {
    throw new UserError(`${join(dir, WEIGHTS_BIN)}: ${weights.byteLength} bytes, the model needs ${expected}`);
  }
  const zeros = zeroKernel(weightSpecs, weights);
  if (zeros) throw new UserError(`${join(dir, WEIGHTS_BIN)}: the weights of ${zeros} are all zeros; the file is damaged`);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: parsed.modelTopology as object, weightSpecs, weightData: weights.slice().buffer }),
    );
  } catch (err) {
    throw new UserError(`${dir}: cannot load the model (${(err as Error).message})`);
  }
  try {
    await checkBuiltModel(model, facts, dir);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

/** Write the optimizer's state (Adam's moments, step count…) so that training can resume exactly. */
export async function writeOptimizer(dir: string, optimizer: tf.Optimizer, fs: FileOps = realFileOps): Promise<void> {
  const weights = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(weights);
  await fs.writeFile(join(dir, OPTIMIZER_JSON), JSON.stringify({ className: optimizer.getClassName(), specs }));
  await fs.writeFile(join(dir, OPTIMIZER_BIN), new Uint8Array(data));
}

// What optimizer.json holds: the optimizer's class and the name, shape and type of each state variable.
const OptimizerStateSchema = z.object({
  className: z.string(),
  specs: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()), dtype: z.enum(['float32', 'int32']) })),
});

/** Restore optimizer state written by writeOptimizer into a fresh optimizer of the same class. */
export async function readOptimizer(dir: string, optimizer: tf.Optimizer): Promise<void> {
  const jsonPath = join(dir, OPTIMIZER_JSON);
  const binPath = join(dir, OPTIMIZER_BIN);
  const text = new TextDecoder().decode(await readOrFail(jsonPath, 'optimizer state'));
  let meta: z.infer<typeof OptimizerStateSchema>;
  try {
    meta = OptimizerStateSchema.parse(JSON.parse(text));
  } catch {
    throw new UserError(`${jsonPath}: not the optimizer state the studio writes`);
  }
  if (meta.className !== optimizer.getClassName()) {
    throw new UserError(`${dir}: optimizer state is for ${meta.className}, not ${optimizer.getClassName()}`);
  }
  const data = await readOrFail(binPath, 'optimizer state');
  // tfjs would read past a short file and fail with no file named.
  const expected = byteLength(meta.specs);
  if (data.byteLength !== expected) throw new UserError(`${binPath}: ${data.byteLength} bytes, the optimizer state needs ${expected}`);
  const named = tf.io.decodeWeights(data.slice().buffer, meta.specs);
  await optimizer.setWeights(meta.specs.map((s) => ({ name: s.name, tensor: named[s.name] })));
}
