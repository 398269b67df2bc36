import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../runtime/backend.ts';
import { createModel } from './model.ts';
import { defaultSpec } from '../../shared/spec.ts';
import { embedFields, embeddingWidth, NeighbourIndex } from './neighbours.ts';

beforeAll(async () => {
  await initBackend({ want: 'wasm' });
});

/** mulberry32, so that the random embeddings are the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every row's distance to `query`, sorted: the slow reference. */
function bruteForce(embeddings: Float32Array, width: number, labels: Uint8Array, query: Float32Array, k: number) {
  const all = Array.from({ length: labels.length }, (_, row) => {
    let d = 0;
    for (let j = 0; j < width; j++) d += (embeddings[row * width + j] - query[j]) ** 2;
    return { index: row, label: labels[row], distance: Math.sqrt(d) };
  });
  return all.sort((a, b) => a.distance - b.distance || a.index - b.index).slice(0, k);
}

describe('the nearest-digits index', () => {
  it('answers what sorting every distance answers, nearest first', () => {
    const next = random(7);
    const [count, width] = [3000, 84];
    const embeddings = Float32Array.from({ length: count * width }, () => next());
    const labels = Uint8Array.from({ length: count }, () => Math.floor(next() * 10));
    // Two equal rows: the tie goes to the lower index.
    embeddings.copyWithin(5 * width, 4 * width, 5 * width);
    const index = new NeighbourIndex(embeddings, width, labels);
    for (let q = 0; q < 20; q++) {
      const query = q === 0 ? embeddings.slice(4 * width, 5 * width) : Float32Array.from({ length: width }, () => next());
      const found = index.nearest(query, 8);
      const expected = bruteForce(embeddings, width, labels, query, 8);
      expect(found.map((n) => n.index)).toEqual(expected.map((n) => n.index));
      found.forEach((n, i) => expect(n.distance).toBeCloseTo(expected[i].distance, 4));
    }
    expect(index.nearest(embeddings.slice(0, width), 3000)).toHaveLength(3000);
    expect(() => index.nearest(new Float32Array(3))).toThrow(/expected an embedding of 84 values/);
  });

  it('finds the last hidden layer by structure, whatever the layers are called and with a separate softmax', async () => {
    const lenet = createModel(defaultSpec());
    expect(embeddingWidth(lenet)).toBe(84);
    // An imported model: its own names, a dropout after the hidden layer and the softmax as a layer of its own.
    const input = tf.input({ shape: [28, 28, 1] });
    const flat = tf.layers.flatten({ name: 'f' }).apply(input) as tf.SymbolicTensor;
    const hidden = tf.layers.dense({ name: 'zz_hidden', units: 20, activation: 'relu' }).apply(flat) as tf.SymbolicTensor;
    const dropped = tf.layers.dropout({ name: 'drop', rate: 0.5 }).apply(hidden) as tf.SymbolicTensor;
    const logits = tf.layers.dense({ name: 'logits', units: 10 }).apply(dropped) as tf.SymbolicTensor;
    const probs = tf.layers.activation({ name: 'probs', activation: 'softmax' }).apply(logits) as tf.SymbolicTensor;
    const imported = tf.model({ inputs: input, outputs: probs });
    expect(embeddingWidth(imported)).toBe(20);
    const fields = Float32Array.from({ length: 2 * 784 }, (_, i) => (i % 7) / 7);
    const embedded = await embedFields(imported, fields);
    // The embedding is the hidden layer's output itself (ReLU: never negative).
    const hiddenOnly = tf.model({ inputs: input, outputs: hidden });
    const expected = (hiddenOnly.predict(tf.tensor4d(fields, [2, 28, 28, 1])) as tf.Tensor).dataSync();
    expect(Array.from(embedded)).toEqual(Array.from(expected));
    lenet.dispose();
    imported.dispose();
  });
});
