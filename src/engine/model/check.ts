// Every model the studio reads (an import, `--from`, `--model`, a fine-tune's base, a run's checkpoint) is
// checked here before tfjs builds it, and once more after: tfjs's fromConfig loops for ever on a graph with a
// cycle, a missing inbound layer or a node index out of range, and allocates whatever a layer declares even
// when no weights back it. So the JSON is walked first (graph, layer classes, shapes, parameters against the
// weights declared, the spec's cost limits), and only then is the model built and tried on a few MNIST digits.
import { UserError } from '../errors.ts';
import { tf } from '../runtime/backend.ts';
import { bundledMnistDir, findFile } from '../data/dataset.ts';
import { readIdxPrefix } from '../data/idx.ts';
import { IMAGE_SIZE, NUM_CLASSES, PIXELS, READING_CLASSES } from '../../shared/mnist.ts';
import { ACTIVATION_BYTES_PER_VALUE, defaultSpec, MAX_ACTIVATION_BYTES, MAX_PARAMETERS } from '../../shared/spec.ts';

/** The most layers a model may have: LeNet-5 has 8, the largest notebook variant 16. */
export const MAX_LAYERS = 64;
/** The most call nodes the graph may hold (a layer applied more than once has several). */
const MAX_NODES = 4 * MAX_LAYERS;
/** The largest model.json read: the bundled one is 7 KB. */
export const MAX_MODEL_JSON_BYTES = 1024 ** 2;
/** The largest weights.bin read: the most parameters allowed, four bytes each. */
export const MAX_WEIGHTS_BYTES = MAX_PARAMETERS * 4;
/** The MNIST test digits a built model is tried on. */
export const TRIAL_DIGITS = 4;
// A size in a layer's config beyond this is no image model's (and would overflow the sums below).
const MAX_SIZE = 1_000_000;

/** What the walk of a model.json found: what the built model must match. */
export interface ModelFacts {
  layers: number;
  parameters: number;
  /** Output values of every layer for one sample. */
  valuesPerSample: number;
  /** 10 digits, or 11 for a reading model ("not one digit" last). */
  classes: number;
}

type Shape = number[];
type Json = Record<string, unknown>;
interface Layer {
  name: string;
  className: string;
  config: Json;
  /** Each call of the layer: the (layer, node) pairs feeding it. */
  nodes: [string, number][][];
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const product = (shape: Shape) => shape.reduce((a, b) => a * b, 1);
const count = (n: number) => n.toLocaleString('en-US');

/** The layers, in order, of a Sequential or functional model config; null for anything else. */
function layersOf(config: Json, refuse: (message: string) => never): { functional: boolean; raw: unknown[]; body: Json } {
  const className = config.class_name;
  const body = isObject(config.config) ? config.config : {};
  if (className === 'Sequential') {
    const raw = Array.isArray(config.config) ? config.config : body.layers;
    if (!Array.isArray(raw)) refuse('its Sequential config lists no layers');
    return { functional: false, raw, body };
  }
  if (className === 'Model' || className === 'Functional') {
    if (!Array.isArray(body.layers)) refuse(`its ${className} config lists no layers`);
    return { functional: true, raw: body.layers, body };
  }
  return refuse(`its topology is a ${JSON.stringify(className)}, not a Sequential or functional model`);
}

/** A [layer, node, tensor] reference as found in inbound_nodes, input_layers and output_layers. */
function reference(entry: unknown, what: string, refuse: (message: string) => never): [string, number] {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Number.isInteger(entry[1]) || !Number.isInteger(entry[2] ?? 0)) {
    refuse(`${what} is not a [layer, node, tensor] reference`);
  }
  if ((entry[2] ?? 0) !== 0) refuse(`${what} reads output ${entry[2]} of layer ${JSON.stringify(entry[0])}, which has one output`);
  return [entry[0], entry[1] as number];
}

/** The references of input_layers/output_layers: one triple or a list of them. */
function references(value: unknown, what: string, refuse: (message: string) => never): [string, number][] {
  if (!Array.isArray(value)) return refuse(`its ${what} are missing`);
  const list = typeof value[0] === 'string' ? [value] : value;
  return list.map((entry, i) => reference(entry, `${what} ${i}`, refuse));
}

/** Read the layer list, checking names and the shape of each entry. */
function readLayers(raw: unknown[], functional: boolean, refuse: (message: string) => never): Layer[] {
  if (raw.length === 0) refuse('it has no layers');
  if (raw.length > MAX_LAYERS) refuse(`it has ${count(raw.length)} layers; the studio reads models of at most ${MAX_LAYERS}`);
  const names = new Set<string>();
  let nodes = 0;
  return raw.map((entry, i) => {
    if (!isObject(entry) || typeof entry.class_name !== 'string' || !isObject(entry.config)) refuse(`layer ${i} is not a {class_name, config} entry`);
    const name = typeof entry.name === 'string' ? entry.name : typeof entry.config.name === 'string' ? entry.config.name : `layer ${i}`;
    if (names.has(name)) refuse(`two layers are named ${JSON.stringify(name)}`);
    names.add(name);
    if (!functional) return { name, className: entry.class_name, config: entry.config, nodes: [] };
    if (!Array.isArray(entry.inbound_nodes)) refuse(`layer ${JSON.stringify(name)} has no inbound_nodes list`);
    nodes += entry.inbound_nodes.length;
    if (nodes > MAX_NODES) refuse(`its graph has more than ${MAX_NODES} nodes`);
    const inbound = entry.inbound_nodes.map((node, k) => {
      if (!Array.isArray(node)) refuse(`node ${k} of layer ${JSON.stringify(name)} is not a list of inputs`);
      return node.map((input, j) => reference(input, `input ${j} of node ${k} of layer ${JSON.stringify(name)}`, refuse));
    });
    return { name, className: entry.class_name, config: entry.config, nodes: inbound };
  });
}

/** How many times each layer is called: an InputLayer once, every other layer once per inbound node. */
const nodeCount = (layer: Layer) => (layer.className === 'InputLayer' ? 1 : layer.nodes.length);

/**
 * Check the graph of a functional model: every inbound layer exists, every node index is in range, and no node
 * depends on itself. Returns the nodes in an order where each comes after those feeding it.
 */
function orderGraph(layers: Layer[], outputs: [string, number][], refuse: (message: string) => never): [Layer, number][] {
  const byName = new Map(layers.map((layer) => [layer.name, layer]));
  const check = ([name, node]: [string, number], what: string): Layer => {
    const source = byName.get(name);
    if (!source) return refuse(`${what} reads layer ${JSON.stringify(name)}, which the model does not have`);
    if (node < 0 || node >= nodeCount(source)) {
      return refuse(`${what} reads node ${node} of layer ${JSON.stringify(name)}, which has ${nodeCount(source)} node(s)`);
    }
    return source;
  };
  for (const layer of layers) {
    layer.nodes.forEach((inputs, k) => inputs.forEach((input) => check(input, `node ${k} of layer ${JSON.stringify(layer.name)}`)));
  }
  outputs.forEach((output) => check(output, 'an output'));
  // Depth-first, without recursion: 0 unseen, 1 on the current path, 2 done.
  const state = new Map<string, number>();
  const order: [Layer, number][] = [];
  const inputsOf = (layer: Layer, node: number) => (layer.className === 'InputLayer' ? [] : layer.nodes[node]);
  for (const [name, node] of outputs) {
    const stack: { layer: Layer; node: number; next: number }[] = [{ layer: byName.get(name)!, node, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const key = `${top.layer.name}#${top.node}`;
      if (top.next === 0) {
        if (state.get(key) === 2) {
          stack.pop();
          continue;
        }
        state.set(key, 1);
      }
      const inputs = inputsOf(top.layer, top.node);
      if (top.next < inputs.length) {
        const [inName, inNode] = inputs[top.next++];
        const seen = state.get(`${inName}#${inNode}`);
        if (seen === 1) refuse(`its graph has a cycle through layer ${JSON.stringify(inName)}`);
        if (seen !== 2) stack.push({ layer: byName.get(inName)!, node: inNode, next: 0 });
        continue;
      }
      state.set(key, 2);
      order.push([top.layer, top.node]);
      stack.pop();
    }
  }
  // A node no output depends on is still built by tfjs: it must be sound too.
  for (const layer of layers) {
    for (let node = 0; node < nodeCount(layer); node++) {
      if (!state.has(`${layer.name}#${node}`)) refuse(`layer ${JSON.stringify(layer.name)} is not connected to the output`);
    }
  }
  return order;
}

/** A positive whole number from a layer's config. */
function size(value: unknown, what: string, refuse: (message: string) => never): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_SIZE) refuse(`${what} is ${JSON.stringify(value)}, not a size`);
  return value as number;
}

/** A 2-D window (kernel, pool, stride) given as one number or two. */
function pair(value: unknown, what: string, refuse: (message: string) => never): [number, number] {
  const [a, b] = Array.isArray(value) ? value : [value, value];
  if (Array.isArray(value) && value.length !== 2) refuse(`${what} has ${value.length} values, not 2`);
  return [size(a, what, refuse), size(b, what, refuse)];
}

function windowed(input: Shape, window: [number, number], strides: [number, number], padding: unknown, what: string, refuse: (m: string) => never) {
  if (input.length !== 3) refuse(`${what} needs an image input, not ${JSON.stringify(input)}`);
  if (padding !== undefined && padding !== 'valid' && padding !== 'same') refuse(`${what} has padding ${JSON.stringify(padding)}`);
  return [0, 1].map((d) => {
    const out = padding === 'same' ? Math.ceil(input[d] / strides[d]) : Math.floor((input[d] - window[d]) / strides[d]) + 1;
    if (out < 1) refuse(`${what}'s ${window.join('×')} window is larger than its ${input[0]}×${input[1]} input`);
    return out;
  });
}

/** A layer's output shape (batch left out) and parameter count, for the layer classes the studio reads. */
function apply(layer: Layer, input: Shape, refuse: (message: string) => never): { output: Shape; parameters: number } {
  const c = layer.config;
  const what = `layer ${JSON.stringify(layer.name)}`;
  if (c.data_format !== undefined && c.data_format !== null && c.data_format !== 'channels_last') refuse(`${what} is not channels_last`);
  const bias = c.use_bias !== false;
  switch (layer.className) {
    case 'Conv2D': {
      const filters = size(c.filters, `${what}'s filters`, refuse);
      const kernel = pair(c.kernel_size, `${what}'s kernel_size`, refuse);
      const dilation = pair(c.dilation_rate ?? 1, `${what}'s dilation_rate`, refuse);
      if (dilation[0] !== 1 || dilation[1] !== 1) refuse(`${what} is dilated; the studio reads undilated convolutions`);
      const [h, w] = windowed(input, kernel, pair(c.strides ?? 1, `${what}'s strides`, refuse), c.padding, what, refuse);
      return { output: [h, w, filters], parameters: kernel[0] * kernel[1] * input[2] * filters + (bias ? filters : 0) };
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const pool = pair(c.pool_size ?? 2, `${what}'s pool_size`, refuse);
      const [h, w] = windowed(input, pool, pair(c.strides ?? pool, `${what}'s strides`, refuse), c.padding, what, refuse);
      return { output: [h, w, input[2]], parameters: 0 };
    }
    case 'GlobalMaxPooling2D':
    case 'GlobalAveragePooling2D':
      if (input.length !== 3) refuse(`${what} needs an image input`);
      return { output: [input[2]], parameters: 0 };
    case 'Flatten':
      return { output: [product(input)], parameters: 0 };
    case 'Reshape': {
      const target = Array.isArray(c.target_shape) ? c.target_shape.map((v, i) => size(v, `${what}'s target_shape ${i}`, refuse)) : [];
      if (target.length === 0 || product(target) !== product(input))
        refuse(`${what} cannot reshape ${JSON.stringify(input)} to ${JSON.stringify(c.target_shape)}`);
      return { output: target, parameters: 0 };
    }
    case 'Dense': {
      const units = size(c.units, `${what}'s units`, refuse);
      return { output: [...input.slice(0, -1), units], parameters: input[input.length - 1] * units + (bias ? units : 0) };
    }
    case 'BatchNormalization': {
      if (c.axis !== undefined && c.axis !== -1 && c.axis !== input.length) refuse(`${what} normalizes axis ${JSON.stringify(c.axis)}, not the last`);
      const channels = input[input.length - 1];
      return { output: input, parameters: channels * (2 + (c.scale !== false ? 1 : 0) + (c.center !== false ? 1 : 0)) };
    }
    case 'Dropout':
    case 'Activation':
    case 'ReLU':
    case 'Softmax':
      return { output: input, parameters: 0 };
    default:
      return refuse(`${what} is a ${JSON.stringify(layer.className)}, not one of the layers the studio reads`);
  }
}

/** The input shape an InputLayer (or a Sequential model's first layer) declares, batch left out. */
function declaredInput(config: Json, refuse: (message: string) => never): Shape {
  const shape = config.batch_input_shape ?? config.batch_shape;
  const input = Array.isArray(shape) ? shape.slice(1) : null;
  if (!input || JSON.stringify(input) !== JSON.stringify([IMAGE_SIZE, IMAGE_SIZE, 1])) {
    refuse(`the model's input is ${JSON.stringify(shape ?? null).replace(/null/g, 'any')}, the studio needs [any,28,28,1]`);
  }
  return [IMAGE_SIZE, IMAGE_SIZE, 1];
}

/**
 * Walk a model.json's `modelTopology` before anything is built: the graph, the layer classes and their shapes,
 * the parameters against `declaredValues` (the values its weightsManifest declares), and the spec's limits.
 * Throws a UserError naming `where` for the first problem.
 */
export function checkTopology(topology: unknown, declaredValues: number, where: string): ModelFacts {
  const refuse = (message: string): never => {
    throw new UserError(`${where}: ${message}`);
  };
  if (!isObject(topology)) return refuse('its modelTopology is not an object');
  const config = isObject(topology.model_config) ? topology.model_config : topology;
  const { functional, raw, body } = layersOf(config, refuse);
  const layers = readLayers(raw, functional, refuse);
  const outputs: Shape[] = [];
  const shapes = new Map<string, Shape>();
  const built = new Map<string, Shape>();
  let parameters = 0;
  let valuesPerSample = 0;
  const call = (layer: Layer, input: Shape): Shape => {
    const { output, parameters: own } = apply(layer, input, refuse);
    const first = built.get(layer.name);
    if (first && JSON.stringify(first) !== JSON.stringify(input)) refuse(`layer ${JSON.stringify(layer.name)} is called on two input shapes`);
    if (!first) parameters += own;
    built.set(layer.name, input);
    valuesPerSample += product(output);
    return output;
  };
  if (functional) {
    const inputs = references(body.input_layers, 'input layers', refuse);
    const outs = references(body.output_layers, 'output layers', refuse);
    if (inputs.length !== 1 || outs.length !== 1) refuse(`it has ${inputs.length} inputs and ${outs.length} outputs; the studio needs one of each`);
    for (const [layer, node] of orderGraph(layers, outs, refuse)) {
      if (layer.className === 'InputLayer') {
        if (layer.name !== inputs[0][0]) refuse(`input layer ${JSON.stringify(layer.name)} is not the model's input`);
        shapes.set(`${layer.name}#0`, declaredInput(layer.config, refuse));
        continue;
      }
      const feeds = layer.nodes[node];
      if (feeds.length !== 1) refuse(`layer ${JSON.stringify(layer.name)} takes ${feeds.length} inputs; the studio reads layers of one input`);
      shapes.set(`${layer.name}#${node}`, call(layer, shapes.get(`${feeds[0][0]}#${feeds[0][1]}`)!));
    }
    outputs.push(shapes.get(`${outs[0][0]}#${outs[0][1]}`)!);
  } else {
    let shape = declaredInput(layers[0].config, refuse);
    for (const layer of layers) if (layer.className !== 'InputLayer') shape = call(layer, shape);
    outputs.push(shape);
  }
  if (parameters > MAX_PARAMETERS) refuse(`the model has ${count(parameters)} parameters; the studio reads at most ${count(MAX_PARAMETERS)}`);
  if (declaredValues !== parameters) refuse(`its layers have ${count(parameters)} parameters, its weightsManifest declares ${count(declaredValues)}`);
  const batch = defaultSpec().batchSize;
  const bytes = batch * valuesPerSample * ACTIVATION_BYTES_PER_VALUE;
  if (bytes > MAX_ACTIVATION_BYTES) {
    refuse(
      `a batch of ${batch} needs about ${(bytes / 1024 ** 3).toFixed(1)} GB for this model's activations; the studio allows ${MAX_ACTIVATION_BYTES / 1024 ** 3} GB`,
    );
  }
  const classes = outputs[0].length === 1 ? outputs[0][0] : -1;
  if (classes !== NUM_CLASSES && classes !== READING_CLASSES) {
    refuse(
      `the model's output is ${JSON.stringify([null, ...outputs[0]]).replace(/null/g, 'any')}, the studio needs [any,10] (or [any,11] for a reading model)`,
    );
  }
  return { layers: layers.length, parameters, valuesPerSample, classes };
}

/** The first few MNIST test digits, 0..1, read straight from the bundled IDX file (16-byte header; gzipped when built). */
async function trialDigits(): Promise<Float32Array> {
  const path = findFile(bundledMnistDir(), 't10k-images-idx3-ubyte');
  const bytes = await readIdxPrefix(path, IDX_HEADER_BYTES + TRIAL_DIGITS * PIXELS);
  return Float32Array.from(bytes.subarray(IDX_HEADER_BYTES), (v) => v / 255);
}

/** An IDX3 image file's header: magic and three dimensions, four bytes each. */
const IDX_HEADER_BYTES = 16;

/**
 * Check a model tfjs has built against what checkTopology found, then try it on a few MNIST test digits: each
 * must get ten (a reading model eleven) finite probabilities summing to 1. Throws a UserError naming `where`.
 */
export async function checkBuiltModel(model: tf.LayersModel, facts: ModelFacts, where: string): Promise<void> {
  const measured = model.countParams();
  if (measured !== facts.parameters)
    throw new UserError(`${where}: built with ${count(measured)} parameters, its layers declare ${count(facts.parameters)}`);
  const digits = await trialDigits();
  const output = tf.tidy(() => model.predict(tf.tensor4d(digits, [TRIAL_DIGITS, IMAGE_SIZE, IMAGE_SIZE, 1])) as tf.Tensor);
  const values = await output.data();
  output.dispose();
  for (let k = 0; k < TRIAL_DIGITS; k++) {
    const row = Array.from(values.subarray(k * facts.classes, (k + 1) * facts.classes));
    const sum = row.reduce((a, b) => a + b, 0);
    if (!row.every((p) => Number.isFinite(p) && p >= 0 && p <= 1) || Math.abs(sum - 1) > 1e-3) {
      throw new UserError(
        `${where}: on MNIST test digit ${k} the model gives ${row.some((p) => !Number.isFinite(p)) ? 'values that are not finite (NaN or infinite weights?)' : 'scores that are not probabilities (no softmax?)'}`,
      );
    }
  }
}
