// The nearest training digits: every training image's activations at the network's last hidden layer (84 wide in
// LeNet-5), kept per model as one Float32Array, and a brute-force Euclidean search over them.
import { tf } from '../runtime/backend.ts';
import { IMAGE_SIZE, PIXELS, type Split } from '../data/dataset.ts';
import { UserError } from '../errors.ts';
import type { Neighbour } from '../../shared/contract.ts';

export type { Neighbour };

/** How many training digits a query answers with unless asked otherwise. */
export const DEFAULT_NEIGHBOURS = 8;
/** Images per forward pass while embedding a split: about 1,000 × 6 × 28 × 28 floats of activations at most. */
const EMBED_BATCH = 1000;
/** Values summed between two checks of a row's partial distance against the worst neighbour kept so far. */
const SEARCH_BLOCK = 12;

/**
 * The last hidden layer's output, found by structure rather than by name (imported models name layers as they
 * like): from the model's output go back over layers without weights (a separate softmax, dropout) to the
 * classifier, the last layer with weights; its input is the embedding.
 */
export function embeddingTensor(model: tf.LayersModel): tf.SymbolicTensor {
  let layer = model.outputs[0].sourceLayer;
  while (layer.countParams() === 0) {
    const input = layer.input;
    if (Array.isArray(input)) throw new UserError(`layer ${layer.name} has several inputs; cannot find the last hidden layer`);
    layer = input.sourceLayer;
  }
  const input = layer.input;
  if (Array.isArray(input)) throw new UserError(`layer ${layer.name} has several inputs; cannot find the last hidden layer`);
  if (input.shape.length !== 2) throw new UserError(`the classifier ${layer.name} takes a ${input.shape.length - 1}-d input, not a vector`);
  return input;
}

const embedders = new WeakMap<tf.LayersModel, tf.LayersModel>();

/** A model from the same input to the last hidden layer (built once per model; it shares the model's weights). */
function embedderOf(model: tf.LayersModel): tf.LayersModel {
  let embedder = embedders.get(model);
  if (!embedder) embedders.set(model, (embedder = tf.model({ inputs: model.inputs, outputs: embeddingTensor(model) })));
  return embedder;
}

/** The embedding width of `model` (84 for LeNet-5). */
export function embeddingWidth(model: tf.LayersModel): number {
  return embeddingTensor(model).shape[1] ?? 0;
}

/** The embeddings of `count` fields of 784 values in [0, 1], one row of embeddingWidth(model) each. */
export async function embedFields(model: tf.LayersModel, fields: Float32Array): Promise<Float32Array> {
  const count = fields.length / PIXELS;
  if (!Number.isInteger(count)) throw new UserError(`expected a multiple of ${PIXELS} values (28×28 each), got ${fields.length}`);
  const out = tf.tidy(() => embedderOf(model).predict(tf.tensor4d(fields, [count, IMAGE_SIZE, IMAGE_SIZE, 1])) as tf.Tensor);
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}

/** Every image of `split` embedded, row after row, in batches that keep the activations small. */
export async function embedSplit(model: tf.LayersModel, split: Split): Promise<Float32Array> {
  const width = embeddingWidth(model);
  const out = new Float32Array(split.count * width);
  for (let start = 0; start < split.count; start += EMBED_BATCH) {
    const end = Math.min(split.count, start + EMBED_BATCH);
    const fields = new Float32Array((end - start) * PIXELS);
    const bytes = split.pixels.subarray(start * PIXELS, end * PIXELS);
    for (let i = 0; i < fields.length; i++) fields[i] = bytes[i] / 255;
    out.set(await embedFields(model, fields), start * width);
  }
  return out;
}

/** The embeddings of a split with its labels, searched by brute force (60,000 × 84 floats: about 20 MB). */
export class NeighbourIndex {
  readonly count: number;

  constructor(
    readonly embeddings: Float32Array,
    readonly width: number,
    readonly labels: Uint8Array,
  ) {
    this.count = embeddings.length / width;
    if (!Number.isInteger(this.count) || this.count !== labels.length) throw new Error('embeddings and labels do not match');
  }

  /** The `k` rows nearest to `query` (Euclidean), nearest first; ties go to the lower index. */
  nearest(query: ArrayLike<number>, k = DEFAULT_NEIGHBOURS): Neighbour[] {
    const { embeddings, width } = this;
    if (query.length !== width) throw new UserError(`expected an embedding of ${width} values, got ${query.length}`);
    const take = Math.min(k, this.count);
    const q = Float32Array.from(query);
    // The best `take` so far, sorted by squared distance: a new row goes in by insertion.
    const best = new Float64Array(take).fill(Infinity);
    const rows = new Int32Array(take).fill(-1);
    for (let row = 0, at = 0; row < this.count; row++, at += width) {
      // Squared distance in blocks of SEARCH_BLOCK values, given up once past the worst kept so far.
      let d = 0;
      for (let j = 0; j < width && d < best[take - 1];) {
        const end = Math.min(width, j + SEARCH_BLOCK);
        for (; j < end; j++) {
          const diff = embeddings[at + j] - q[j];
          d += diff * diff;
        }
      }
      if (d >= best[take - 1]) continue;
      let i = take - 1;
      for (; i > 0 && best[i - 1] > d; i--) {
        best[i] = best[i - 1];
        rows[i] = rows[i - 1];
      }
      best[i] = d;
      rows[i] = row;
    }
    return Array.from(rows, (row, i) => ({ index: row, label: this.labels[row], distance: Math.sqrt(best[i]) })).filter((n) => n.index >= 0);
  }
}

/** The index of `split` under `model`, built in this thread (the command line; the studio builds it in a worker). */
export async function buildIndex(model: tf.LayersModel, split: Split): Promise<NeighbourIndex> {
  return new NeighbourIndex(await embedSplit(model, split), embeddingWidth(model), split.labels);
}

/** The training digits nearest to one 28×28 field under `model`. */
export async function nearestTo(
  model: tf.LayersModel,
  index: NeighbourIndex,
  field: ArrayLike<number>,
  k = DEFAULT_NEIGHBOURS,
): Promise<Neighbour[]> {
  if (field.length !== PIXELS) throw new UserError(`expected ${PIXELS} values (28×28), got ${field.length}`);
  return index.nearest(await embedFields(model, Float32Array.from(field)), k);
}
