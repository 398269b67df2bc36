// Option parsing for the command line, with messages that name the bad option.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readFileSync } from 'node:fs';
import { checkSpec, defaultSpec, describeIssues, type ModelSpec } from '../shared/spec.ts';
import { UsageError } from './errors.ts';

export type Options = Record<string, string | boolean | undefined>;

/** Parse argv against `options`, turning node's errors into one clear line. */
export function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true as const });
  } catch (err) {
    // Node's messages can run over several lines; the command line promises one.
    throw new UsageError((err as Error).message.replace(/\s*\n\s*/g, ' '));
  }
}

/** A finite number from an option's text, or a UsageError naming the option. */
export function number(name: string, text: string | boolean | undefined, { integer = false } = {}): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (typeof text !== 'string' || text.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name}: expected ${integer ? 'a whole number' : 'a number'}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Read --spec (a partial spec merged over the notebook's), apply the option overrides, and validate. */
export function specFrom(values: Options): ModelSpec {
  let base: Record<string, unknown> = defaultSpec();
  if (typeof values.spec === 'string') {
    let text: string;
    try {
      text = readFileSync(values.spec, 'utf8');
    } catch {
      throw new UsageError(`--spec: cannot read ${values.spec}`);
    }
    try {
      base = { ...base, ...JSON.parse(text) };
    } catch {
      throw new UsageError(`--spec: ${values.spec} is not valid JSON`);
    }
  }
  const overrides: Record<string, unknown> = {
    epochs: number('epochs', values.epochs, { integer: true }),
    batchSize: number('batch-size', values['batch-size'], { integer: true }),
    learningRate: number('learning-rate', values['learning-rate']),
    dropout: number('dropout', values.dropout),
    seed: number('seed', values.seed, { integer: true }),
    activation: values.activation,
  };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) base[key] = value;
  const check = checkSpec(base);
  if (!check.ok) throw new UsageError(`invalid model spec: ${describeIssues(check.issues).replace(/\n/g, '; ')}`);
  return check.spec;
}

/** A positive whole-number limit such as --train-limit. */
export function limit(name: string, text: string | boolean | undefined): number | undefined {
  const value = number(name, text, { integer: true });
  if (value !== undefined && value < 1) throw new UsageError(`--${name}: must be at least 1, got ${value}`);
  return value;
}
