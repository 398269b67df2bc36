// Builds LeNet-5 and its variants from a ModelSpec as a tfjs Layers model.
import { tf } from '../runtime/backend.ts';
import { IMAGE_SIZE } from '../data/dataset.ts';
import { outputClasses, type ModelSpec } from '../../shared/spec.ts';

/** A deterministic stream of layer seeds derived from the spec's seed. */
function seeds(seed: number): () => number {
  let next = seed;
  return () => (next = (next * 1103515245 + 12345) % 2 ** 31);
}

/** Build an uncompiled model for `spec` (assumed valid: see checkSpec). Same seed, same initial weights. */
export function createModel(spec: ModelSpec): tf.Sequential {
  const seed = seeds(spec.seed);
  const init = () => ({ kernelInitializer: tf.initializers.glorotUniform({ seed: seed() }), biasInitializer: 'zeros' as const });
  const model = tf.sequential({ name: 'lenet5' });
  model.add(tf.layers.inputLayer({ inputShape: [IMAGE_SIZE, IMAGE_SIZE, 1] }));
  spec.conv.forEach((layer, i) => {
    model.add(
      tf.layers.conv2d({
        name: `conv${i + 1}`,
        filters: layer.filters,
        kernelSize: layer.kernelSize,
        padding: layer.padding,
        activation: spec.activation,
        ...init(),
      }),
    );
    if (layer.pool === 'none') return;
    const pool = { name: `pool${i + 1}`, poolSize: layer.poolSize, strides: layer.poolStride };
    model.add(layer.pool === 'max' ? tf.layers.maxPooling2d(pool) : tf.layers.averagePooling2d(pool));
  });
  model.add(tf.layers.flatten({ name: 'flatten' }));
  spec.dense.forEach((units, i) => {
    model.add(tf.layers.dense({ name: `dense${i + 1}`, units, activation: spec.activation, ...init() }));
    if (spec.dropout > 0) model.add(tf.layers.dropout({ name: `dropout${i + 1}`, rate: spec.dropout, seed: seed() }));
  });
  model.add(tf.layers.dense({ name: 'output', units: outputClasses(spec), activation: 'softmax', ...init() }));
  return model;
}

/** The optimizer the spec names, with Keras's default hyper-parameters. */
export function createOptimizer(spec: ModelSpec): tf.Optimizer {
  switch (spec.optimizer) {
    case 'adam':
      return tf.train.adam(spec.learningRate, 0.9, 0.999, 1e-7);
    case 'rmsprop':
      return tf.train.rmsprop(spec.learningRate, 0.9, 0, 1e-7);
    case 'sgd':
      return tf.train.sgd(spec.learningRate);
  }
}
