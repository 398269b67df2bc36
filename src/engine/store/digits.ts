// My digits: drawings a person saved with their true label, one JSON file per digit in <userDir>/digits/.
//   digits/d-0123456789ab.json   label, createdAt, strokes, canvas size, the 28×28 field (784 bytes, base64)
//                                and the canvas PNG (base64), replaced atomically as a whole
// A file's name is its id (DIGIT_ID_PATTERN); every path goes through `inside`. A file that cannot be read
// is reported beside the list, never fatal, and never deleted by the store.
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DIGIT_ID_PATTERN, type Drawing, StrokeSchema, type MyDigit } from '../../shared/digits.ts';
import { IMAGE_SIZE, PIXELS } from '../../shared/mnist.ts';
import type { Split } from '../data/dataset.ts';
import { encodePng } from '../data/png.ts';
import { errnoOf, explainFsError, UserError } from '../errors.ts';
import { type FileOps, realFileOps, writeFileAtomic } from './atomic.ts';
import { inside } from './paths.ts';
import { describeIssues } from './schemas.ts';
import { messageOf } from '../../shared/message.ts';

const FILE_SUFFIX = '.json';
const base64Bytes = (length?: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]*={0,2}$/)
    .transform((s) => new Uint8Array(Buffer.from(s, 'base64')))
    .refine((b) => length === undefined || b.length === length, `must hold ${length} bytes`);

/** One digit's file. */
const DigitFileSchema = z.object({
  label: z.number().int().min(0).max(9),
  createdAt: z.iso.datetime(),
  strokes: z.array(StrokeSchema).max(500),
  canvas: z.object({ width: z.number().int().min(1).max(4096), height: z.number().int().min(1).max(4096) }),
  /** The 28×28 field as bytes (0 = background, 255 = full ink), base64. */
  field: base64Bytes(PIXELS),
  /** The canvas PNG, base64 (empty for a digit imported from IDX). */
  png: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/),
});

/** A stored digit with its field as bytes. */
export interface StoredDigit extends MyDigit {
  /** 784 bytes, 0 = background. */
  pixels: Uint8Array;
  strokes: Drawing['strokes'];
  canvas: Drawing['canvas'];
  png: string;
}

/** What reading the collection found: its digits, newest first, and the files it could not read. */
export interface DigitCollection {
  digits: StoredDigit[];
  unreadable: { file: string; problem: string }[];
}

/** A new digit id: `d-` and 12 random hex digits. */
export function newDigitId(): string {
  return `d-${randomBytes(6).toString('hex')}`;
}

/** A field of values in [0, 1] as bytes. */
export function fieldBytes(field: ArrayLike<number>): Uint8Array {
  return Uint8Array.from(field, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
}

let lastSaved = 0;
/** Now, but always after the last digit saved: two saves in one millisecond still list newest first. */
function saveTime(): Date {
  lastSaved = Math.max(Date.now(), lastSaved + 1);
  return new Date(lastSaved);
}

const newestFirst = (a: MyDigit, b: MyDigit) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? -1 : 1);

export class DigitStore {
  constructor(
    readonly root: string,
    private readonly fs: FileOps = realFileOps,
  ) {}

  /** The file of digit `id`; only an id of DIGIT_ID_PATTERN is accepted, so it is one file inside root. */
  path(id: string): string {
    if (!DIGIT_ID_PATTERN.test(id)) throw new UserError(`digit id ${JSON.stringify(id)} is not valid; a digit id looks like d-0123456789ab`);
    return inside(this.root, `${id}${FILE_SUFFIX}`);
  }

  /** Every readable digit, newest first, and the files that could not be read. */
  async readAll(): Promise<DigitCollection> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return { digits: [], unreadable: [] };
      throw explainFsError(err, this.root);
    }
    const digits: StoredDigit[] = [];
    const unreadable: DigitCollection['unreadable'] = [];
    // Temporary files of an interrupted save start with a dot and never match the pattern.
    const ids = names.filter((n) => n.endsWith(FILE_SUFFIX)).map((n) => n.slice(0, -FILE_SUFFIX.length));
    for (const id of ids.filter((i) => DIGIT_ID_PATTERN.test(i))) {
      try {
        digits.push(await this.read(id));
      } catch (err) {
        unreadable.push({ file: this.path(id), problem: messageOf(err) });
      }
    }
    return { digits: digits.sort(newestFirst), unreadable };
  }

  /** One digit; a missing or malformed file is a UserError naming it. */
  async read(id: string): Promise<StoredDigit> {
    const path = this.path(id);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') throw new UserError(`there is no digit ${id}`);
      if (err instanceof SyntaxError) throw new UserError(`${path}: not valid JSON`);
      throw explainFsError(err, path);
    }
    const parsed = DigitFileSchema.safeParse(json);
    if (!parsed.success) throw new UserError(`${path}: ${describeIssues(parsed.error)}`);
    const { field, ...rest } = parsed.data;
    return { id, ...rest, pixels: field };
  }

  /** Save a new digit; written whole or not at all. */
  async add(
    label: number,
    drawing: Omit<Drawing, 'field'> & { field: ArrayLike<number> | Uint8Array },
    createdAt = saveTime(),
  ): Promise<StoredDigit> {
    const pixels = drawing.field instanceof Uint8Array ? drawing.field : fieldBytes(drawing.field);
    const digit: StoredDigit = {
      id: newDigitId(),
      label,
      createdAt: createdAt.toISOString(),
      strokes: drawing.strokes,
      canvas: drawing.canvas,
      png: drawing.png,
      pixels,
    };
    await this.write(digit);
    return digit;
  }

  /** Give digit `id` another label. */
  async relabel(id: string, label: number): Promise<StoredDigit> {
    const digit = { ...(await this.read(id)), label };
    await this.write(digit);
    return digit;
  }

  /** Delete digit `id`; false when there was none. */
  async remove(id: string): Promise<boolean> {
    const path = this.path(id);
    try {
      await readFile(path);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return false;
      throw explainFsError(err, path);
    }
    try {
      await this.fs.rm(path, { recursive: true, force: true });
    } catch (err) {
      throw explainFsError(err, path);
    }
    return true;
  }

  /** The readable digits, newest first, as a split (what export writes and fine-tuning trains on). */
  async split(): Promise<Split> {
    return digitsSplit((await this.readAll()).digits);
  }

  /** Append a split's digits (an imported IDX pair), keeping its order as newest first; returns how many. */
  async append(split: Split, now = Date.now()): Promise<number> {
    for (let k = 0; k < split.count; k++) {
      const pixels = split.pixels.slice(k * PIXELS, (k + 1) * PIXELS);
      const png = Buffer.from(encodePng(inkImage(pixels))).toString('base64');
      // One millisecond apart, the first the newest: a collection exported, imported and exported again is the same.
      await this.add(split.labels[k], { strokes: [], canvas: { width: IMAGE_SIZE, height: IMAGE_SIZE }, png, field: pixels }, new Date(now - k));
    }
    return split.count;
  }

  private async write(digit: StoredDigit): Promise<void> {
    const path = this.path(digit.id);
    const file = {
      label: digit.label,
      createdAt: digit.createdAt,
      strokes: digit.strokes,
      canvas: digit.canvas,
      field: Buffer.from(digit.pixels).toString('base64'),
      png: digit.png,
    } satisfies z.input<typeof DigitFileSchema>;
    try {
      await this.fs.mkdir(this.root, { recursive: true });
      await writeFileAtomic(path, JSON.stringify(file), this.fs);
    } catch (err) {
      throw explainFsError(err, path);
    }
  }
}

/** Digits as a split, in the order given. */
export function digitsSplit(digits: readonly StoredDigit[]): Split {
  const pixels = new Uint8Array(digits.length * PIXELS);
  digits.forEach((d, k) => pixels.set(d.pixels, k * PIXELS));
  return { count: digits.length, pixels, labels: Uint8Array.from(digits, (d) => d.label) };
}

/** A field as a canvas-like RGBA image: dark ink on white. */
function inkImage(pixels: Uint8Array): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(PIXELS * 4);
  pixels.forEach((v, i) => {
    data.set([255 - v, 255 - v, 255 - v, 255], i * 4);
  });
  return { width: IMAGE_SIZE, height: IMAGE_SIZE, data };
}

/** A digit as the list shows it. */
export const listEntry = ({ id, label, createdAt }: MyDigit): MyDigit => ({ id, label, createdAt });
