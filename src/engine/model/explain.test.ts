import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../runtime/backend.ts';
import { type Dataset, loadDataset, PIXELS } from '../data/dataset.ts';
import { bundledModelDir } from './bundled.ts';
import { classMetrics, evaluate } from './evaluate.ts';
import { explain, firstLayerFilters, layerActivations, saliencyMap } from './explain.ts';
import { readModel } from './model-io.ts';

let model: tf.LayersModel;
let mnist: Dataset;
const testDigit = (index: number) => Array.from(mnist.test.pixels.subarray(index * PIXELS, (index + 1) * PIXELS), (v) => v / 255);

beforeAll(async () => {
  await initBackend({ want: 'wasm' });
  model = await readModel(bundledModelDir());
  mnist = await loadDataset();
});

const activate = (x: tf.Tensor, name: string) =>
  name === 'relu' ? tf.relu(x) : name === 'softmax' ? tf.softmax(x) : name === 'tanh' ? tf.tanh(x) : x;

/** The model's forward pass written out op by op from each layer's weights and config: the reference. */
function referenceForward(input: tf.Tensor4D): Record<string, tf.Tensor> {
  const outputs: Record<string, tf.Tensor> = {};
  let x: tf.Tensor = input;
  for (const layer of model.layers) {
    const config = layer.getConfig() as Record<string, unknown>;
    const kind = layer.getClassName();
    const weights = layer.getWeights();
    if (kind === 'Conv2D') {
      const conv = tf.conv2d(x as tf.Tensor4D, weights[0] as tf.Tensor4D, 1, config.padding as 'same' | 'valid');
      x = activate(tf.add(conv, weights[1]), config.activation as string);
    } else if (kind === 'MaxPooling2D' || kind === 'AveragePooling2D') {
      const size = config.poolSize as [number, number];
      const strides = config.strides as [number, number];
      const pool = kind === 'MaxPooling2D' ? tf.maxPool : tf.avgPool;
      x = pool(x as tf.Tensor4D, size, strides, config.padding as 'valid');
    } else if (kind === 'Flatten') {
      x = tf.reshape(x, [x.shape[0], -1]);
    } else if (kind === 'Dense') {
      x = activate(tf.add(tf.matMul(x as tf.Tensor2D, weights[0] as tf.Tensor2D), weights[1]), config.activation as string);
    }
    outputs[layer.name] = x;
  }
  return outputs;
}

describe('inside the network', () => {
  it('shows every conv, pool and dense layer, each equal to the forward pass computed op by op', async () => {
    const field = testDigit(0);
    const layers = await layerActivations(model, field);
    expect(layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'dense1', 'dense2', 'output']);
    const reference = tf.tidy(() => referenceForward(tf.tensor4d(field, [1, 28, 28, 1])));
    for (const layer of layers) {
      const expected = reference[layer.name];
      expect(layer.shape).toEqual(expected.shape.slice(1));
      const want = Array.from(await expected.data());
      const worst = Math.max(...layer.values.map((v, i) => Math.abs(v - want[i])));
      expect(worst, layer.name).toBeLessThan(1e-4);
    }
    tf.dispose(Object.values(reference));
  });

  it('gives a saliency map that matches finite differences of the top probability', async () => {
    const field = testDigit(1);
    const { label, values } = await saliencyMap(model, field);
    expect(values).toHaveLength(784);
    const probabilityOf = async (input: number[]) => {
      const p = tf.tidy(() => (model.predict(tf.tensor4d(input, [1, 28, 28, 1])) as tf.Tensor2D).slice([0, label], [1, 1]));
      const [value] = await p.data();
      p.dispose();
      return value;
    };
    // The pixels that matter most, where the map is far from zero.
    const strongest = values
      .map((v, i) => [Math.abs(v), i] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 5)
      .map(([, i]) => i);
    const h = 1e-3;
    for (const i of strongest) {
      const up = field.slice();
      const down = field.slice();
      up[i] += h;
      down[i] -= h;
      const derivative = ((await probabilityOf(up)) - (await probabilityOf(down))) / (2 * h);
      expect(values[i]).toBeCloseTo(derivative * field[i], 2);
      expect(Math.abs(values[i] - derivative * field[i])).toBeLessThan(0.1 * Math.abs(values[i]) + 1e-4);
    }
  });

  it('explains an input: top class, probabilities and saliency agree with a plain prediction', async () => {
    const field = testDigit(2);
    const explanation = await explain(model, field);
    const probs = tf.tidy(() => model.predict(tf.tensor4d(field, [1, 28, 28, 1])) as tf.Tensor);
    const plain = Array.from(await probs.data());
    probs.dispose();
    expect(explanation.label).toBe(plain.indexOf(Math.max(...plain)));
    explanation.probabilities.forEach((p, i) => expect(p).toBeCloseTo(plain[i], 5));
    expect(explanation.saliency).toHaveLength(784);
  });

  it("reads an imported model's probabilities from its own output, whatever its layers are called", async () => {
    const other = tf.sequential({
      layers: [
        tf.layers.conv2d({ name: 'features', inputShape: [28, 28, 1], filters: 2, kernelSize: 3, activation: 'relu' }),
        tf.layers.flatten({ name: 'flat' }),
        tf.layers.dense({ name: 'scores', units: 10, activation: 'softmax' }),
      ],
    });
    const field = testDigit(4);
    const explanation = await explain(other, field);
    const probs = tf.tidy(() => other.predict(tf.tensor4d(field, [1, 28, 28, 1])) as tf.Tensor);
    const plain = Array.from(await probs.data());
    probs.dispose();
    expect(explanation.layers.map((l) => l.name)).toEqual(['output']);
    explanation.probabilities.forEach((p, i) => expect(p).toBeCloseTo(plain[i], 5));
    expect(explanation.label).toBe(plain.indexOf(Math.max(...plain)));
    other.dispose();
  });

  it('keeps the tensor count flat over many explanations', async () => {
    const field = testDigit(3);
    await explain(model, field);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) await explain(model, field);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("draws the first layer's filters from its kernel", async () => {
    const filters = await firstLayerFilters(model);
    const kernel = model.getLayer('conv1').getWeights()[0];
    const [k, , , count] = kernel.shape;
    expect(filters).toHaveLength(count);
    const weights = await kernel.data();
    // Filter f's pixel (y, x) is kernel[y][x][0][f].
    expect(filters[2].values[1 * k + 3]).toBe(weights[(1 * k + 3) * count + 2]);
    expect(filters[0]).toMatchObject({ width: k, height: k });
  });
});

describe('where the model fails', () => {
  it('lists exactly the off-diagonal of the confusion matrix, most confident first', async () => {
    const result = await evaluate(model, mnist.test);
    const offDiagonal = result.confusion.reduce((sum, row, i) => sum + row.reduce((a, b) => a + b, 0) - row[i], 0);
    expect(result.errors).toHaveLength(offDiagonal);
    expect(offDiagonal).toBeGreaterThan(0);
    for (const e of result.errors) {
      expect(e.predicted).not.toBe(e.label);
      expect(mnist.test.labels[e.index]).toBe(e.label);
    }
    const confidences = result.errors.map((e) => e.probability);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    expect(result.perClass.map((c) => c.support).reduce((a, b) => a + b, 0)).toBe(mnist.test.count);
  });

  it('computes precision, recall and F1 per digit from the confusion matrix', () => {
    const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    confusion[0][0] = 8; // 8 zeros right,
    confusion[0][6] = 2; // 2 zeros read as 6,
    confusion[6][6] = 3; // 3 sixes right,
    confusion[6][0] = 1; // 1 six read as 0.
    const [zero, , , , , , six, seven] = classMetrics(confusion);
    expect(zero).toEqual({ digit: 0, precision: 8 / 9, recall: 8 / 10, f1: (2 * (8 / 9) * 0.8) / (8 / 9 + 0.8), support: 10 });
    expect(six.precision).toBeCloseTo(3 / 5);
    expect(six.recall).toBeCloseTo(3 / 4);
    expect(seven).toEqual({ digit: 7, precision: 0, recall: 0, f1: 0, support: 0 });
  });
});
