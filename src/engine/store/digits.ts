// My digits: drawings a person saved with their true label, one JSON file per digit in <userDir>/digits/.
//   digits/d-0123456789ab.json   label, createdAt, strokes, canvas size, the 28×28 field (784 bytes, base64)
//                                and the canvas PNG (base64), replaced atomically as a whole
// A file's name is its id (DIGIT_ID_PATTERN); every path goes through `inside`. A file that cannot be read
// is reported beside the list, never fatal, and never deleted by the store.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DIGIT_ID_PATTERN, type Drawing, MAX_DIGITS, type MyDigit, StrokesSchema } from '../../shared/digits.ts';
import { IMAGE_SIZE, PIXELS } from '../../shared/mnist.ts';
import type { Split } from '../data/dataset.ts';
import { encodePng } from '../data/png.ts';
import { errnoOf, explainFsError, UserError } from '../errors.ts';
import { type FileOps, realFileOps, removeIfThere, syncTree, writeFileAtomic } from './atomic.ts';
import { inside } from './paths.ts';
import { describeIssues } from './schemas.ts';
import { messageOf } from '../../shared/message.ts';

const FILE_SUFFIX = '.json';
/** The largest digit file read: one of MAX_DRAWING_POINTS points and a 4 MB canvas PNG is under 7 MB. */
export const MAX_DIGIT_FILE_BYTES = 8 * 1024 ** 2;
// An import is written into a staging folder `.import-<random>`, renamed `<that>.ready` once complete, then its
// files are moved into place: a kill leaves either a staging folder (dropped at open) or a ready one (finished).
const IMPORT_PREFIX = '.import-';
const READY_SUFFIX = '.ready';
// A temporary file of writeFileAtomic younger than this may belong to a save in progress (another window).
const TEMP_GRACE_MS = 60_000;
const isTempName = (name: string) => name.startsWith('.') && /\.tmp-[0-9a-f]{8}$/.test(name);

/** What makes two digits the same: their label and their 28×28 field. */
const contentKey = (label: number, pixels: Uint8Array) => `${label}:${Buffer.from(pixels).toString('base64')}`;
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
  strokes: StrokesSchema,
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
  /** The write in progress: saves, relabels, deletes and imports run one after another (see `serial`). */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    readonly root: string,
    private readonly fs: FileOps = realFileOps,
  ) {}

  /**
   * Run `change` once every change asked before it has ended: the cap and the duplicate check read the
   * collection and then write it, and two changes interleaved would both pass (three parallel imports held 15,000).
   */
  private serial<T>(change: () => Promise<T>): Promise<T> {
    const done = this.writing.then(change, change);
    this.writing = done.catch(() => undefined);
    return done;
  }

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
      const { size } = await stat(path);
      if (size > MAX_DIGIT_FILE_BYTES) throw new UserError(`${path}: ${(size / 1024 ** 2).toFixed(1)} MB; a digit's file holds at most 8 MB`);
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

  /** Refuse to grow the collection past MAX_DIGITS by `adding` more. */
  private async checkRoom(adding: number): Promise<number> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    const held = names.filter((n) => n.endsWith(FILE_SUFFIX) && DIGIT_ID_PATTERN.test(n.slice(0, -FILE_SUFFIX.length))).length;
    if (held + adding > MAX_DIGITS) {
      const count = (n: number) => n.toLocaleString('en-US');
      throw new UserError(`my digits hold at most ${count(MAX_DIGITS)}; there are ${count(held)}, and this would add ${count(adding)}`);
    }
    return held;
  }

  /** Save a new digit; written whole or not at all. */
  add(label: number, drawing: Omit<Drawing, 'field'> & { field: ArrayLike<number> | Uint8Array }, createdAt = saveTime()): Promise<StoredDigit> {
    return this.serial(() => this.addNow(label, drawing, createdAt));
  }

  private async addNow(
    label: number,
    drawing: Omit<Drawing, 'field'> & { field: ArrayLike<number> | Uint8Array },
    createdAt: Date,
  ): Promise<StoredDigit> {
    await this.checkRoom(1);
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
  relabel(id: string, label: number): Promise<StoredDigit> {
    return this.serial(async () => {
      const digit = { ...(await this.read(id)), label };
      await this.write(digit);
      return digit;
    });
  }

  /** Delete digit `id`; false when there was none. */
  remove(id: string): Promise<boolean> {
    return this.serial(() => this.removeNow(id));
  }

  private removeNow(id: string): Promise<boolean> {
    return removeIfThere(this.path(id), this.fs);
  }

  /** The readable digits, newest first, as a split (what export writes and fine-tuning trains on). */
  async split(): Promise<Split> {
    return digitsSplit((await this.readAll()).digits);
  }

  /**
   * Append a split's digits (an imported IDX pair), keeping its order as newest first. A digit the collection
   * (or the split itself) already holds, same label and same field, is skipped. All or nothing: the files are
   * staged and moved into place only once every one is written (see `sweep` for a kill part-way).
   */
  append(split: Split, now = Date.now()): Promise<{ added: number; skipped: number }> {
    return this.serial(() => this.appendNow(split, now));
  }

  private async appendNow(split: Split, now: number): Promise<{ added: number; skipped: number }> {
    const seen = new Set((await this.readAll()).digits.map((d) => contentKey(d.label, d.pixels)));
    const fresh: StoredDigit[] = [];
    for (let k = 0; k < split.count; k++) {
      const pixels = split.pixels.slice(k * PIXELS, (k + 1) * PIXELS);
      const key = contentKey(split.labels[k], pixels);
      if (seen.has(key)) continue;
      seen.add(key);
      const png = Buffer.from(encodePng(inkImage(pixels))).toString('base64');
      // One millisecond apart, the first the newest: a collection exported, imported and exported again is the same.
      const createdAt = new Date(now - k).toISOString();
      fresh.push({
        id: newDigitId(),
        label: split.labels[k],
        createdAt,
        strokes: [],
        canvas: { width: IMAGE_SIZE, height: IMAGE_SIZE },
        png,
        pixels,
      });
    }
    const skipped = split.count - fresh.length;
    if (fresh.length === 0) return { added: 0, skipped };
    await this.checkRoom(fresh.length);
    const staging = join(this.root, `${IMPORT_PREFIX}${randomBytes(4).toString('hex')}`);
    try {
      await mkdir(staging, { recursive: true });
      for (const digit of fresh) await writeFile(join(staging, `${digit.id}${FILE_SUFFIX}`), JSON.stringify(fileOf(digit)));
      await syncTree(staging, this.fs);
      await rename(staging, staging + READY_SUFFIX);
    } catch (err) {
      await rm(staging, { recursive: true, force: true }).catch(() => undefined);
      throw explainFsError(err, this.root);
    }
    await this.finishImport(staging + READY_SUFFIX);
    return { added: fresh.length, skipped };
  }

  /** Move a complete import's files into the collection, then remove its folder. */
  private async finishImport(ready: string): Promise<void> {
    try {
      for (const name of await readdir(ready)) {
        if (name.endsWith(FILE_SUFFIX) && DIGIT_ID_PATTERN.test(name.slice(0, -FILE_SUFFIX.length)))
          await rename(join(ready, name), join(this.root, name));
      }
      await rm(ready, { recursive: true, force: true });
    } catch (err) {
      throw explainFsError(err, ready);
    }
  }

  /**
   * Repair what a kill left (called once, when the studio opens): an import that was complete is finished, one
   * still being written is dropped, and temporary files of interrupted saves are removed. Returns what it did.
   */
  async sweep(now = Date.now()): Promise<{ finished: number; dropped: number; temporary: number }> {
    const done = { finished: 0, dropped: 0, temporary: 0 };
    const names = await readdir(this.root).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(this.root, name);
      try {
        if (name.startsWith(IMPORT_PREFIX) && name.endsWith(READY_SUFFIX)) {
          await this.finishImport(path);
          done.finished++;
        } else if (name.startsWith(IMPORT_PREFIX)) {
          await rm(path, { recursive: true, force: true });
          done.dropped++;
        } else if (isTempName(name) && now - (await stat(path)).mtimeMs >= TEMP_GRACE_MS) {
          await rm(path, { force: true });
          done.temporary++;
        }
      } catch {
        // Best effort: a read-only home keeps what it holds, and the collection still reads without it.
      }
    }
    return done;
  }

  private async write(digit: StoredDigit): Promise<void> {
    const path = this.path(digit.id);
    try {
      await this.fs.mkdir(this.root, { recursive: true });
      await writeFileAtomic(path, JSON.stringify(fileOf(digit)), this.fs);
    } catch (err) {
      throw explainFsError(err, path);
    }
  }
}

/** What a digit's file holds. */
function fileOf(digit: StoredDigit): z.input<typeof DigitFileSchema> {
  return {
    label: digit.label,
    createdAt: digit.createdAt,
    strokes: digit.strokes,
    canvas: digit.canvas,
    field: Buffer.from(digit.pixels).toString('base64'),
    png: digit.png,
  };
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
