// Hostile model folders (issue 19, findings 1, 2, 4 and 8) are refused in one line before tfjs builds them;
// sound ones, Sequential or functional, still load.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../runtime/backend.ts';
import { bundledModelDir } from './bundled.ts';
import { MAX_LAYERS } from './check.ts';
import { readModel } from './model-io.ts';

beforeAll(async () => {
  await initBackend({ want: 'wasm' });
});

type Node = [string, number, number, Record<string, never>];
interface LayerJson {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: Node[][];
}

const input: LayerJson = { name: 'in', class_name: 'InputLayer', config: { batch_input_shape: [null, 28, 28, 1], name: 'in' }, inbound_nodes: [] };
const layer = (name: string, className: string, config: Record<string, unknown>, ...from: [string, number][]): LayerJson => ({
  name,
  class_name: className,
  config: { name, ...config },
  inbound_nodes: [from.map(([source, node]) => [source, node, 0, {}] as Node)],
});

/** A model folder holding a functional model of `layers` whose weights.bin holds `values` zeros. */
function functionalFolder(layers: LayerJson[], output: string, weights: { name: string; shape: number[]; dtype?: string }[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'check-'));
  const modelTopology = {
    class_name: 'Model',
    config: { name: 'hostile', layers, input_layers: [['in', 0, 0]], output_layers: [[output, 0, 0]] },
  };
  const values = weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  writeFileSync(
    join(dir, 'model.json'),
    JSON.stringify({ modelTopology, weightsManifest: [{ paths: ['./weights.bin'], weights: weights.map((w) => ({ dtype: 'float32', ...w })) }] }),
  );
  // Small weights, not zeros: all-zero kernels are what a power loss leaves, and are refused as damaged.
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(new Float32Array(values).fill(0.01).buffer));
  return dir;
}

/** A flatten + softmax dense model whose dense layer is fed by `from`. */
const hostile = (from: [string, number]) =>
  functionalFolder([input, layer('flat', 'Flatten', {}, ['in', 0]), layer('out', 'Dense', { units: 10, activation: 'softmax' }, from)], 'out', [
    { name: 'out/kernel', shape: [784, 10] },
    { name: 'out/bias', shape: [10] },
  ]);

/** A copy of the bundled model folder with its model.json or weights.bin changed. */
function bundledCopy(change: { topology?: (t: { config: { layers: unknown[] } }) => void; weights?: (w: Float32Array) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'check-'));
  const json = JSON.parse(readFileSync(join(bundledModelDir(), 'model.json'), 'utf8'));
  change.topology?.(json.modelTopology);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  const weights = new Float32Array(new Uint8Array(readFileSync(join(bundledModelDir(), 'weights.bin'))).buffer);
  change.weights?.(weights);
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weights.buffer));
  return dir;
}

describe('the graph is checked before tfjs builds it (finding 1: these hung the host for ever)', () => {
  it('refuses a layer fed by a cycle', async () => {
    const dir = functionalFolder(
      [input, layer('a', 'Dense', { units: 10 }, ['b', 0]), layer('b', 'Dense', { units: 10, activation: 'softmax' }, ['a', 0])],
      'b',
    );
    await expect(readModel(dir)).rejects.toThrow(`${join(dir, 'model.json')}: its graph has a cycle through layer "`);
  });

  it('refuses a layer fed by itself', async () => {
    const dir = functionalFolder([input, layer('out', 'Dense', { units: 10, activation: 'softmax' }, ['out', 0])], 'out');
    await expect(readModel(dir)).rejects.toThrow('its graph has a cycle through layer "out"');
  });

  it('refuses a layer fed by a layer that does not exist', async () => {
    await expect(readModel(hostile(['ghost', 0]))).rejects.toThrow('node 0 of layer "out" reads layer "ghost", which the model does not have');
  });

  it('refuses a node index out of range', async () => {
    await expect(readModel(hostile(['flat', 7]))).rejects.toThrow('node 0 of layer "out" reads node 7 of layer "flat", which has 1 node(s)');
  });

  it('still loads a sound functional model', async () => {
    const model = await readModel(hostile(['flat', 0]));
    expect(model.countParams()).toBe(7850);
    model.dispose();
  });
});

describe('what a model declares is checked against its layers and the limits (findings 2, 4, 8)', () => {
  it('refuses a 3 GB layer declared without weights, before building it', async () => {
    const dir = functionalFolder([input, layer('flat', 'Flatten', {}, ['in', 0]), layer('out', 'Dense', { units: 1_000_000 }, ['flat', 0])], 'out');
    await expect(readModel(dir)).rejects.toThrow('the model has 785,000,000 parameters; the studio reads at most 5,000,000');
  });

  it('refuses layers whose parameters differ from the weights declared', async () => {
    const dir = hostile(['flat', 0]);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].weights.pop();
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    await expect(readModel(dir)).rejects.toThrow('its layers have 7,850 parameters, its weightsManifest declares 7,840');
  });

  it("refuses a model whose activations exceed the spec's limit (a 4,096-filter 1×1 conv)", async () => {
    const dir = functionalFolder(
      [
        input,
        layer('wide', 'Conv2D', { filters: 4096, kernel_size: [1, 1], padding: 'same' }, ['in', 0]),
        layer('flat', 'GlobalAveragePooling2D', {}, ['wide', 0]),
        layer('out', 'Dense', { units: 10, activation: 'softmax' }, ['flat', 0]),
      ],
      'out',
      [
        { name: 'wide/kernel', shape: [1, 1, 1, 4096] },
        { name: 'wide/bias', shape: [4096] },
        { name: 'out/kernel', shape: [4096, 10] },
        { name: 'out/bias', shape: [10] },
      ],
    );
    await expect(readModel(dir)).rejects.toThrow("GB for this model's activations; the studio allows 1 GB");
  });

  it('refuses NaN weights: a test run on MNIST digits must give finite probabilities', async () => {
    const dir = bundledCopy({ weights: (w) => w.fill(Number.NaN, w.length - 10) });
    await expect(readModel(dir)).rejects.toThrow(`${dir}: on MNIST test digit 0 the model gives values that are not finite`);
  });

  it(`refuses a model of more than ${MAX_LAYERS} layers (20,000 overflowed the stack; 2,000 here)`, async () => {
    const dir = bundledCopy({
      topology: (t) => {
        const dropout = { class_name: 'Dropout', config: { rate: 0.1 } };
        t.config.layers.splice(2, 0, ...Array.from({ length: 2_000 }, (_, i) => ({ ...dropout, config: { ...dropout.config, name: `d${i}` } })));
      },
    });
    await expect(readModel(dir)).rejects.toThrow(new RegExp(`it has 2,0\\d\\d layers; the studio reads models of at most ${MAX_LAYERS}`));
  });

  it('refuses a layer class it cannot check', async () => {
    const dir = bundledCopy({ topology: (t) => ((t.config.layers[1] as { class_name: string }).class_name = 'LSTM') });
    await expect(readModel(dir)).rejects.toThrow('layer "conv1" is a "LSTM", not one of the layers the studio reads');
  });

  it('refuses a model.json that is not a regular file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-'));
    copyFileSync(join(bundledModelDir(), 'weights.bin'), join(dir, 'weights.bin'));
    const { symlinkSync } = await import('node:fs');
    symlinkSync('/dev/zero', join(dir, 'model.json'));
    await expect(readModel(dir)).rejects.toThrow('not a regular file');
  });

  it('still loads the bundled model', async () => {
    const model = await readModel(bundledModelDir());
    expect(model.countParams()).toBe(61706);
    model.dispose();
  });
});
