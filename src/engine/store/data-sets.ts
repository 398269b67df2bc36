// Data sets of a person's own images, one file each in <userDir>/data-sets/:
//   <name>.set   "DSET", the header's length (4 bytes, little-endian), the header (JSON: name, dates, each
//                image's file), then one label byte per image and 784 bytes of 28×28 per image
// A data set is replaced whole by writeFileAtomic and deleted by one unlink, so a kill at any point leaves
// the old file or the new one, never a mix. A name is checked against SET_NAME_PATTERN and goes through
// `inside`. Writes are serialised, so that parallel imports cannot pass the caps or copy an image twice.
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { MAX_SET_IMAGES, MAX_SETS, SET_NAME_PATTERN, SET_NAME_RULE, type DataSetEntry, type SetImportReport } from '../../shared/datasets.ts';
import { NUM_CLASSES, PIXELS } from '../../shared/mnist.ts';
import type { Split } from '../data/dataset.ts';
import type { FolderRead } from '../data/image-folder.ts';
import { errnoOf, explainFsError, UserError } from '../errors.ts';
import { type FileOps, realFileOps, removeIfThere, writeFileAtomic } from './atomic.ts';
import { inside } from './paths.ts';
import { describeIssues } from './schemas.ts';

const SUFFIX = '.set';
const MAGIC = 'DSET';
/** The largest header read: 60,000 file names of a few dozen characters each. */
const MAX_HEADER_BYTES = 32 * 1024 ** 2;
/** The most skipped files a data set remembers from its last import (the import's report names them all). */
const MAX_REMEMBERED_SKIPS = 1_000;
// A temporary file of writeFileAtomic younger than this may belong to a write in progress (another process).
const TEMP_GRACE_MS = 60_000;
const isTempName = (name: string) => name.startsWith('.') && /\.set\.tmp-[0-9a-f]{8}$/.test(name);

const HeaderSchema = z.object({
  version: z.literal(1),
  name: z.string().regex(SET_NAME_PATTERN),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** The folders imported, oldest first. */
  sources: z.array(z.string().max(4096)).max(1000),
  /** Each image's file inside its folder, in the data set's order. */
  files: z.array(z.string().max(4096)).max(MAX_SET_IMAGES),
  skipped: z.array(z.object({ file: z.string(), reason: z.string() })).max(MAX_REMEMBERED_SKIPS),
});
type Header = z.infer<typeof HeaderSchema>;

/** A data set read whole: its header and its images as a split. */
export interface StoredSet {
  header: Header;
  split: Split;
}

/** What makes two images the same: their label and their 28×28. */
const contentKey = (label: number, pixels: Uint8Array) =>
  `${label}:${Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength).toString('base64')}`;

export class DataSetStore {
  /** The write in progress: writes run one after another. */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    readonly root: string,
    private readonly fs: FileOps = realFileOps,
  ) {}

  /** The file of data set `name`, refused unless the name is valid and the file lies inside the store. */
  path(name: string): string {
    if (!SET_NAME_PATTERN.test(name)) throw new UserError(`${JSON.stringify(name)}: ${SET_NAME_RULE}`);
    return inside(this.root, `${name}${SUFFIX}`);
  }

  /** The data sets' names on disk, sorted. */
  private async names(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.root);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return [];
      throw explainFsError(err, this.root);
    }
    return entries
      .filter((n) => n.endsWith(SUFFIX))
      .map((n) => n.slice(0, -SUFFIX.length))
      .filter((n) => SET_NAME_PATTERN.test(n))
      .sort((a, b) => a.localeCompare(b));
  }

  /** Every readable data set with its counts; one that cannot be read is named in `unreadable`. */
  async list(): Promise<{ sets: DataSetEntry[]; unreadable: string[] }> {
    const sets: DataSetEntry[] = [];
    const unreadable: string[] = [];
    for (const name of await this.names()) {
      try {
        sets.push(await this.entry(name));
      } catch (err) {
        unreadable.push(err instanceof Error ? err.message : String(err));
      }
    }
    return { sets, unreadable };
  }

  /** One data set's list entry, reading only its header and labels. */
  async entry(name: string): Promise<DataSetEntry> {
    const path = this.path(name);
    let file;
    try {
      file = await open(path, 'r');
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') throw new UserError(`there is no data set ${JSON.stringify(name)}`);
      throw explainFsError(err, path);
    }
    try {
      const { size } = await file.stat();
      const head = Buffer.alloc(8);
      await file.read(head, 0, 8, 0);
      const headerBytes = checkedHeaderLength(head, size, path);
      const json = Buffer.alloc(headerBytes);
      await file.read(json, 0, headerBytes, 8);
      const header = parseHeader(json, path);
      const count = header.files.length;
      checkSize(size, headerBytes, count, path);
      const labels = Buffer.alloc(count);
      await file.read(labels, 0, count, 8 + headerBytes);
      const perDigit = new Array<number>(NUM_CLASSES).fill(0);
      for (const label of labels) perDigit[label]++;
      return { name: header.name, count, perDigit, updatedAt: header.updatedAt };
    } catch (err) {
      throw explainFsError(err, path);
    } finally {
      await file.close();
    }
  }

  /** A data set whole; a missing or damaged file is a UserError naming it. */
  async read(name: string): Promise<StoredSet> {
    const path = this.path(name);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') throw new UserError(`there is no data set ${JSON.stringify(name)}`);
      throw explainFsError(err, path);
    }
    return decodeSet(bytes, path);
  }

  /**
   * Add a folder's images to data set `name` (made if new). An image the data set already holds, same label
   * and same 28×28, is counted in `duplicates` and not added; images past MAX_SET_IMAGES are skipped and named.
   */
  async import(name: string, read: FolderRead, source: string, now = new Date()): Promise<SetImportReport> {
    const path = this.path(name);
    return this.serial(async () => {
      const existing = await this.read(name).catch((err: unknown) => {
        if (err instanceof UserError && err.message.startsWith('there is no data set')) return null;
        throw err;
      });
      if (!existing && (await this.names()).length >= MAX_SETS)
        throw new UserError(`the studio holds at most ${MAX_SETS} data sets; delete one to import another`);
      const seen = new Set<string>();
      const held = existing?.split ?? { count: 0, pixels: new Uint8Array(0), labels: new Uint8Array(0) };
      for (let k = 0; k < held.count; k++) seen.add(contentKey(held.labels[k], held.pixels.subarray(k * PIXELS, (k + 1) * PIXELS)));
      const fresh: number[] = [];
      const skipped = [...read.skipped];
      let duplicates = 0;
      for (let k = 0; k < read.split.count; k++) {
        const key = contentKey(read.split.labels[k], read.split.pixels.subarray(k * PIXELS, (k + 1) * PIXELS));
        if (seen.has(key)) duplicates++;
        else if (held.count + fresh.length >= MAX_SET_IMAGES)
          skipped.push({ file: read.files[k], reason: `past the ${MAX_SET_IMAGES.toLocaleString('en-US')} images a data set holds` });
        else {
          seen.add(key);
          fresh.push(k);
        }
      }
      const count = held.count + fresh.length;
      const report = { name, samples: read.split.count, added: fresh.length, duplicates, skipped, count };
      if (existing && fresh.length === 0) return report;
      const header: Header = {
        version: 1,
        name,
        createdAt: existing?.header.createdAt ?? now.toISOString(),
        updatedAt: now.toISOString(),
        sources: [...(existing?.header.sources ?? []), source].slice(-1000),
        files: [...(existing?.header.files ?? []), ...fresh.map((k) => read.files[k])],
        skipped: skipped.slice(0, MAX_REMEMBERED_SKIPS),
      };
      const labels = new Uint8Array(count);
      const pixels = new Uint8Array(count * PIXELS);
      labels.set(held.labels);
      pixels.set(held.pixels);
      fresh.forEach((k, j) => {
        labels[held.count + j] = read.split.labels[k];
        pixels.set(read.split.pixels.subarray(k * PIXELS, (k + 1) * PIXELS), (held.count + j) * PIXELS);
      });
      try {
        await this.fs.mkdir(this.root, { recursive: true });
        await writeFileAtomic(path, encodeSet(header, labels, pixels), this.fs);
      } catch (err) {
        throw explainFsError(err, path);
      }
      return report;
    });
  }

  /** Delete data set `name`; false when there was none. */
  async remove(name: string): Promise<boolean> {
    const path = this.path(name);
    return this.serial(() => removeIfThere(path, this.fs));
  }

  /** Remove what a kill left (temporary files of interrupted writes), when the studio opens; returns how many. */
  async sweep(now = Date.now()): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.root).catch(() => [] as string[])) {
      const path = join(this.root, name);
      try {
        if (isTempName(name) && now - (await stat(path)).mtimeMs >= TEMP_GRACE_MS) {
          await this.fs.rm(path, { recursive: true, force: true });
          removed++;
        }
      } catch {
        // Best effort: a read-only home keeps what it holds, and the data sets still read without it.
      }
    }
    return removed;
  }

  private serial<T>(write: () => Promise<T>): Promise<T> {
    const next = this.writing.then(write);
    this.writing = next.catch(() => undefined);
    return next;
  }
}

function checkedHeaderLength(head: Buffer, size: number, path: string): number {
  if (size < 8 || head.toString('latin1', 0, 4) !== MAGIC) throw new UserError(`${path}: not a data set file`);
  const length = head.readUInt32LE(4);
  if (length > MAX_HEADER_BYTES || 8 + length > size) throw new UserError(`${path}: damaged (its header runs past the file)`);
  return length;
}

function parseHeader(json: Buffer, path: string): Header {
  let value: unknown;
  try {
    value = JSON.parse(json.toString('utf8'));
  } catch {
    throw new UserError(`${path}: damaged (its header is not valid JSON)`);
  }
  const parsed = HeaderSchema.safeParse(value);
  if (!parsed.success) throw new UserError(`${path}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

function checkSize(size: number, headerBytes: number, count: number, path: string): void {
  if (size !== 8 + headerBytes + count * (1 + PIXELS))
    throw new UserError(`${path}: damaged (${size} bytes where ${count} images take ${8 + headerBytes + count * (1 + PIXELS)})`);
}

/** A data set's file from its parts. */
function encodeSet(header: Header, labels: Uint8Array, pixels: Uint8Array): Uint8Array {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.alloc(8);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(json.length, 4);
  return Buffer.concat([head, json, labels, pixels]);
}

/** A data set's file, checked whole: its header, then labels 0–9 and exactly the bytes its images take. */
function decodeSet(bytes: Buffer, path: string): StoredSet {
  const headerBytes = checkedHeaderLength(bytes, bytes.length, path);
  const header = parseHeader(bytes.subarray(8, 8 + headerBytes), path);
  const count = header.files.length;
  checkSize(bytes.length, headerBytes, count, path);
  const at = 8 + headerBytes;
  const labels = new Uint8Array(bytes.subarray(at, at + count));
  if (labels.some((l) => l >= NUM_CLASSES)) throw new UserError(`${path}: damaged (a label outside 0–9)`);
  const pixels = new Uint8Array(bytes.subarray(at + count, at + count + count * PIXELS));
  return { header, split: { count, pixels, labels } };
}
