// What the network computes for one input: every layer's activations (the CNN Explainer view), a saliency
// map over the 28×28 input, and the first layer's learned filters.
import { tf } from '../runtime/backend.ts';
import { IMAGE_SIZE, PIXELS } from '../../shared/mnist.ts';
import type { FilterImage, LayerActivation, ModelExplanation } from '../../shared/explain.ts';
import { UserError } from '../errors.ts';

export type { FilterImage, LayerActivation, ModelExplanation };

/** Layers whose outputs are worth showing: dropout is the identity at inference, flatten only reshapes. */
const SHOWN = /^(conv|pool|dense|output)/;

/**
 * One multi-output model per trained model, built on first use (building it allocates nothing heavy). Its
 * last output is always the model's own, so that an imported model whose layers are named otherwise still
 * gives its probabilities.
 */
const probes = new WeakMap<tf.LayersModel, { model: tf.LayersModel; names: string[] }>();

function probeOf(model: tf.LayersModel): { model: tf.LayersModel; names: string[] } {
  let probe = probes.get(model);
  if (!probe) {
    const final = model.outputs[0];
    const layers = model.layers.filter((layer) => SHOWN.test(layer.name) && layer.output !== final);
    const outputs = [...layers.map((layer) => layer.output as tf.SymbolicTensor), final];
    probe = { model: tf.model({ inputs: model.inputs, outputs }), names: [...layers.map((layer) => layer.name), 'output'] };
    probes.set(model, probe);
  }
  return probe;
}

function fieldTensor(field: ArrayLike<number>): tf.Tensor4D {
  if (field.length !== PIXELS) throw new UserError(`expected ${PIXELS} values (28×28), got ${field.length}`);
  return tf.tensor4d(Float32Array.from(field), [1, IMAGE_SIZE, IMAGE_SIZE, 1]);
}

/** Every shown layer's output for `field`, in order: conv and pool maps as [h, w, c], dense layers as [units]. */
export async function layerActivations(model: tf.LayersModel, field: ArrayLike<number>): Promise<LayerActivation[]> {
  const { model: probe, names } = probeOf(model);
  const outputs = tf.tidy(() => {
    const result = probe.predict(fieldTensor(field));
    return Array.isArray(result) ? result : [result];
  });
  try {
    return await Promise.all(
      outputs.map(async (output, i) => ({ name: names[i], shape: output.shape.slice(1), values: Array.from(await output.data()) })),
    );
  } finally {
    tf.dispose(outputs);
  }
}

/**
 * Gradient × input of the class probability `label` (the top class by default): how much each pixel's ink
 * raised (positive) or lowered (negative) that probability, to first order.
 */
export async function saliencyMap(model: tf.LayersModel, field: ArrayLike<number>, label?: number): Promise<{ label: number; values: number[] }> {
  const x = fieldTensor(field);
  try {
    const target = label ?? (await topClass(model, x));
    const probability = (input: tf.Tensor) => (model.predict(input) as tf.Tensor2D).slice([0, target], [1, 1]).sum();
    const saliency = tf.tidy(() => tf.grad(probability)(x).mul(x));
    const values = Array.from(await saliency.data());
    saliency.dispose();
    return { label: target, values };
  } finally {
    x.dispose();
  }
}

async function topClass(model: tf.LayersModel, x: tf.Tensor4D): Promise<number> {
  const top = tf.tidy(() => (model.predict(x) as tf.Tensor2D).argMax(1));
  const [label] = await top.data();
  top.dispose();
  return label;
}

/** The first convolution's learned kernels, one k×k image per filter (single input channel). */
export async function firstLayerFilters(model: tf.LayersModel): Promise<FilterImage[]> {
  const conv = model.layers.find((layer) => layer.name.startsWith('conv'));
  if (!conv) return [];
  const [kernel] = conv.getWeights();
  const [height, width, channels, filters] = kernel.shape;
  const weights = await kernel.data();
  return Array.from({ length: filters }, (_, f) => {
    const values = new Array<number>(height * width);
    for (let p = 0; p < height * width; p++) values[p] = weights[p * channels * filters + f];
    return { width, height, values };
  });
}

/** Everything the "inside the network" view shows for one input. */
export async function explain(model: tf.LayersModel, field: ArrayLike<number>): Promise<ModelExplanation> {
  const layers = await layerActivations(model, field);
  const output = layers[layers.length - 1].values;
  const label = output.indexOf(Math.max(...output));
  const saliency = await saliencyMap(model, field, label);
  return { label, probabilities: output, layers, saliency: saliency.values, saliencyMethod: 'gradient × input' };
}
