// A model summary like Keras's, with the notebook's hand formula for each layer's parameters.
import { NUM_CLASSES, READING_CLASSES } from './mnist.ts';
import type { ModelSpec } from './spec.ts';

export interface SummaryRow {
  name: string;
  type: string;
  /** [height, width, channels] or [units]. */
  outputShape: number[];
  params: number;
  /** How `params` is counted, e.g. `(5×5×1+1)×6 = 156`; empty for layers without weights. */
  formula: string;
}

export interface ModelSummary {
  rows: SummaryRow[];
  totalParams: number;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Output side length of a convolution or pooling window over `size` pixels. */
export function windowOutput(size: number, window: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - window) / stride) + 1;
}

/** Summarise a valid spec for 28×28×1 inputs (or `inputSize`). */
export function summarize(spec: ModelSpec, inputSize = 28): ModelSummary {
  const rows: SummaryRow[] = [{ name: 'input', type: 'InputLayer', outputShape: [inputSize, inputSize, 1], params: 0, formula: '' }];
  let size = inputSize;
  let channels = 1;
  spec.conv.forEach((layer, i) => {
    const k = layer.kernelSize;
    const params = (k * k * channels + 1) * layer.filters;
    size = windowOutput(size, k, 1, layer.padding);
    rows.push({
      name: `conv${i + 1}`,
      type: `Conv2D ${layer.padding}`,
      outputShape: [size, size, layer.filters],
      params,
      formula: `(${k}×${k}×${channels}+1)×${layer.filters} = ${fmt(params)}`,
    });
    channels = layer.filters;
    if (layer.pool !== 'none') {
      size = windowOutput(size, layer.poolSize, layer.poolStride, 'valid');
      rows.push({
        name: `pool${i + 1}`,
        type: layer.pool === 'max' ? 'MaxPooling2D' : 'AveragePooling2D',
        outputShape: [size, size, channels],
        params: 0,
        formula: '',
      });
    }
  });
  let units = size * size * channels;
  rows.push({ name: 'flatten', type: 'Flatten', outputShape: [units], params: 0, formula: '' });
  const denseSizes = [...spec.dense, spec.reading ? READING_CLASSES : NUM_CLASSES];
  denseSizes.forEach((out, i) => {
    const last = i === denseSizes.length - 1;
    const params = units * out + out;
    rows.push({
      name: last ? 'output' : `dense${i + 1}`,
      type: last ? 'Dense softmax' : `Dense ${spec.activation}`,
      outputShape: [out],
      params,
      formula: `${fmt(units)}×${out}+${out} = ${fmt(params)}`,
    });
    if (spec.dropout > 0 && !last)
      rows.push({ name: `dropout${i + 1}`, type: `Dropout ${spec.dropout}`, outputShape: [out], params: 0, formula: '' });
    units = out;
  });
  return { rows, totalParams: rows.reduce((sum, r) => sum + r.params, 0) };
}

/** The summary as a fixed-width table for the terminal. */
export function formatSummary(summary: ModelSummary): string {
  const header = ['Layer (type)', 'Output Shape', 'Param #', 'Formula'];
  const body = summary.rows.map((r) => [`${r.name} (${r.type})`, `(None, ${r.outputShape.join(', ')})`, fmt(r.params), r.formula]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('   ')
      .trimEnd();
  const rule = (ch: string) => ch.repeat(widths.reduce((a, b) => a + b + 3, -3));
  return [
    line(header),
    rule('='),
    ...body.flatMap((row, i) => (i === 0 ? [line(row)] : [rule('-'), line(row)])),
    rule('='),
    `Total params: ${fmt(summary.totalParams)}`,
    `Trainable params: ${fmt(summary.totalParams)}`,
    'Non-trainable params: 0',
  ].join('\n');
}
