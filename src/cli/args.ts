// Option parsing for the command line, with messages that name the bad option.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { readUserText } from '../engine/errors.ts';
import { checkSpec, describeIssues, type ModelSpec } from '../shared/spec.ts';
import { defaultAugment, type AugmentSpec } from '../shared/augment.ts';
import { PRESETS } from '../shared/presets.ts';
import { HelpRequested, UsageError } from './errors.ts';

/** A spec file: any part of a spec, as one JSON object (its fields are checked once merged). */
const SpecFileSchema = z.record(z.string(), z.unknown());

/**
 * `--name -5` as `--name=-5` for options that take a value: node's parser would take `-5` for an option
 * and answer that the argument is ambiguous, where the user is owed "must be at least 1".
 */
function joinNegativeValues(argv: string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : null;
    if (name && options[name]?.type === 'string' && /^-\.?\d/.test(argv[i + 1] ?? '')) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

export type Options = Record<string, string | boolean | undefined>;

/** Parse argv against `options`, turning node's errors into one clear line; `--help` or `-h` asks for the usage. */
export function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, allowPositionals = false) {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(Object.keys(options));
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals, strict: true as const });
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

/** The spec --preset names (the notebook's by default). */
function presetSpec(name: string | boolean | undefined): ModelSpec {
  if (name === undefined) return PRESETS.notebook();
  if (typeof name !== 'string' || !Object.hasOwn(PRESETS, name))
    throw new UsageError(`--preset: must be one of ${Object.keys(PRESETS).join(', ')}, got ${JSON.stringify(name)}`);
  return PRESETS[name as keyof typeof PRESETS]();
}

/** Read --spec (a partial spec merged over --preset's, by default the notebook's), apply the option overrides, and validate. */
export async function specFrom(values: Options): Promise<ModelSpec> {
  let base: Record<string, unknown> = presetSpec(values.preset);
  if (typeof values.spec === 'string') {
    const text = await readUserText(values.spec);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new UsageError(`--spec: ${values.spec} is not valid JSON`);
    }
    const file = SpecFileSchema.safeParse(json);
    if (!file.success) throw new UsageError(`${values.spec}: a spec file holds a JSON object (any part of a model spec)`);
    base = { ...base, ...file.data };
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
  const augment = augmentFrom(values, base.augment);
  if (augment) base.augment = augment;
  const check = checkSpec(base);
  if (!check.ok) throw new UsageError(`invalid model spec: ${describeIssues(check.issues).replace(/\n/g, '; ')}`);
  return check.spec;
}

const RANGES = ['shift', 'rotation', 'scale', 'shear', 'thickness', 'elastic'] as const satisfies (keyof AugmentSpec)[];

/** The augmentation options: --augment (the studio's default ranges) and one --augment-<range> X per range. */
export const AUGMENT_OPTIONS = {
  augment: { type: 'boolean' },
  ...(Object.fromEntries(RANGES.map((r) => [`augment-${r}`, { type: 'string' }])) as Record<
    `augment-${(typeof RANGES)[number]}`,
    { type: 'string' }
  >),
} as const;

/**
 * The augmentation the options ask for, over the spec file's (`base`): --augment turns it on with the
 * studio's defaults unless the file has ranges; each --augment-<range> sets one range (and turns it on).
 */
function augmentFrom(values: Options, base: unknown): Record<string, unknown> | undefined {
  const ranges = RANGES.map((r) => [r, number(`augment-${r}`, values[`augment-${r}`])] as const).filter(([, v]) => v !== undefined);
  if (!values.augment && ranges.length === 0) return undefined;
  const start = typeof base === 'object' && base !== null ? (base as Record<string, unknown>) : defaultAugment();
  return { ...start, ...Object.fromEntries(ranges) };
}

/** A positive whole-number limit such as --train-limit. */
export function limit(name: string, text: string | boolean | undefined): number | undefined {
  const value = number(name, text, { integer: true });
  if (value !== undefined && value < 1) throw new UsageError(`--${name}: must be at least 1, got ${value}`);
  return value;
}
