// A folder of labelled images as a data set: one sub-folder per digit (0/ … 9/), PNG or JPEG of any size and
// either polarity, each turned into its 28×28 by the recipe a drawing goes through (shared/preprocess.ts).
// Whatever is not such an image (text, a broken or oversized file, a link out of the folder) is skipped and
// named with its reason; reading never stops part-way.
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { preprocessDrawing } from '../../shared/preprocess.ts';
import { PIXELS } from '../../shared/mnist.ts';
import { messageOf } from '../../shared/message.ts';
import { errnoOf, explainFsError, UserError } from '../errors.ts';
import { decodeImage } from './image.ts';
import type { Split } from './dataset.ts';
import { MAX_IMAGE_FILE_BYTES, MAX_SET_IMAGES, type SkippedFile } from '../../shared/datasets.ts';

export { MAX_IMAGE_FILE_BYTES, MAX_SET_IMAGES, type SkippedFile };

/** The most entries looked at in a folder: past them, an accidental home folder is not walked for minutes. */
export const MAX_FOLDER_ENTRIES = 200_000;
/** Files read at once: enough to hide the disk's latency, few enough to keep memory small. */
const READ_AHEAD = 16;
const DIGIT_FOLDER = /^[0-9]$/;

/** What a folder gave: its images as a split (in file order), each one's file, and what was skipped. */
export interface FolderRead {
  split: Split;
  files: string[];
  skipped: SkippedFile[];
}

/** One image's 28×28 (0 = background, 255 = full ink), or why it cannot be one. */
export type ImageSample = { pixels: Uint8Array } | { reason: string };

/** pngjs's words for a PNG cut short, and what the person is told instead. */
const PNGJS_TRUNCATED = /\(There are some read requests wait\w* on finished stream\)$/;

/** The reason in a decoder's message about `name`, without the name. */
function reasonOf(err: unknown, name: string): string {
  const message = messageOf(err).replace(PNGJS_TRUNCATED, '(the file ends early)');
  if (!message.startsWith(name)) return message;
  const rest = message.slice(name.length).replace(/^:?\s*/, '');
  return rest.startsWith('is ') ? `the image ${rest}` : rest;
}

/** An image file's bytes through the drawing recipe; `name` is how reasons refer to it. */
export function sampleOf(bytes: Uint8Array, name: string): ImageSample {
  if (bytes.length > MAX_IMAGE_FILE_BYTES)
    return { reason: `${megabytes(bytes.length)}; an image file holds at most ${megabytes(MAX_IMAGE_FILE_BYTES)}` };
  let field: Float32Array | null;
  try {
    field = preprocessDrawing(decodeImage(bytes, name));
  } catch (err) {
    // Whatever a decoder throws costs this one file, never the import.
    return { reason: err instanceof UserError ? reasonOf(err, name) : `cannot be decoded (${messageOf(err).split('\n')[0]})` };
  }
  if (!field) return { reason: 'no ink in the image (it is all one shade)' };
  return { pixels: Uint8Array.from(field, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)) };
}

const megabytes = (bytes: number) => `${Number((bytes / 1024 ** 2).toFixed(1)).toLocaleString('en-US')} MB`;
/** Why a file of `size` bytes is not read. */
export const tooLarge = (size: number) => `${megabytes(size)}; an image file holds at most ${megabytes(MAX_IMAGE_FILE_BYTES)}`;

/** The digit a file at `path` (parts joined by `/`, inside the folder) is labelled with, or null. */
export function labelOf(path: string): number | null {
  const parts = path.split('/');
  return parts.length === 2 && DIGIT_FOLDER.test(parts[0]) ? Number(parts[0]) : null;
}

/** Collects samples and skipped files, in order, up to MAX_SET_IMAGES. */
export class SampleCollector {
  private readonly pixels: Uint8Array[] = [];
  private readonly labels: number[] = [];
  readonly files: string[] = [];
  readonly skipped: SkippedFile[] = [];

  constructor(private readonly room = MAX_SET_IMAGES) {}

  get count(): number {
    return this.files.length;
  }

  /** Take one file's bytes (`file` as labelOf reads it). */
  add(file: string, bytes: Uint8Array): void {
    const label = labelOf(file);
    if (label === null) return this.skip(file, 'not inside a digit folder (0/ … 9/)');
    if (this.count >= this.room) return this.skip(file, `past the ${MAX_SET_IMAGES.toLocaleString('en-US')} images a data set holds`);
    const sample = sampleOf(bytes, file);
    if ('reason' in sample) return this.skip(file, sample.reason);
    this.pixels.push(sample.pixels);
    this.labels.push(label);
    this.files.push(file);
  }

  skip(file: string, reason: string): void {
    this.skipped.push({ file, reason });
  }

  /** What was collected, as a split. */
  result(): FolderRead {
    const pixels = new Uint8Array(this.count * PIXELS);
    this.pixels.forEach((p, k) => pixels.set(p, k * PIXELS));
    return { split: { count: this.count, pixels, labels: Uint8Array.from(this.labels) }, files: [...this.files], skipped: [...this.skipped] };
  }
}

/** Is `dir` a folder of labelled images (it has a digit sub-folder) rather than MNIST's IDX layout? */
export async function isImageFolder(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => DIGIT_FOLDER.test(n))) if ((await stat(join(dir, name)).catch(() => null))?.isDirectory()) return true;
  return false;
}

/** One entry of the folder to read: its path on disk and as the report names it. */
interface Entry {
  path: string;
  file: string;
}

/**
 * Read a folder of labelled images. `onProgress(done, total)` is called as files are read. A folder that
 * cannot be listed, or that holds no labelled image, is a UserError in one line.
 */
export async function readImageFolder(dir: string, onProgress?: (done: number, total: number) => void): Promise<FolderRead> {
  let root: string;
  try {
    root = await realpath(dir);
    if (!(await stat(root)).isDirectory()) throw new UserError(`${dir}: not a folder`);
  } catch (err) {
    throw explainFsError(err, dir);
  }
  const collector = new SampleCollector();
  const entries = await listImages(root, collector);
  let done = 0;
  // Read ahead, take in order: the data set's order is the folders' sorted order, whatever the disk does.
  const reads: Promise<Uint8Array | SkippedFile>[] = [];
  const start = (k: number) => {
    if (k < entries.length) reads[k] = readEntry(root, entries[k]);
  };
  for (let k = 0; k < READ_AHEAD; k++) start(k);
  for (let k = 0; k < entries.length; k++) {
    start(k + READ_AHEAD);
    const got = await reads[k];
    delete reads[k];
    if (got instanceof Uint8Array) collector.add(entries[k].file, got);
    else collector.skip(got.file, got.reason);
    onProgress?.(++done, entries.length);
  }
  const read = collector.result();
  if (read.split.count === 0) {
    const why = read.skipped.length
      ? `; ${read.skipped.length} file${read.skipped.length === 1 ? '' : 's'} skipped, first ${read.skipped[0].file}: ${read.skipped[0].reason}`
      : '';
    throw new UserError(`${dir}: no labelled image (PNG or JPEG inside sub-folders 0/ … 9/)${why}`);
  }
  return read;
}

/** The files to read, digit folders in order and files sorted within; what is not one is skipped into `collector`. */
async function listImages(root: string, collector: SampleCollector): Promise<Entry[]> {
  const entries: Entry[] = [];
  let seen = 0;
  const names = await readdir(root).catch((err: unknown) => {
    throw explainFsError(err, root);
  });
  for (const name of names.sort()) {
    if (++seen > MAX_FOLDER_ENTRIES) break;
    const path = join(root, name);
    const kind = await kindOf(root, path);
    if (kind !== 'folder' || !DIGIT_FOLDER.test(name)) {
      collector.skip(
        name,
        kind === 'outside' ? 'a link out of the folder' : name.startsWith('.') ? 'a hidden file' : 'not inside a digit folder (0/ … 9/)',
      );
      continue;
    }
    const files = await readdir(path).catch(() => [] as string[]);
    for (const file of files.sort()) {
      if (++seen > MAX_FOLDER_ENTRIES) {
        collector.skip(`${name}/${file}`, `past the ${MAX_FOLDER_ENTRIES.toLocaleString('en-US')} entries looked at; the rest were not read`);
        return entries;
      }
      // Hidden files (.DS_Store, ._x.png) are the system's, not the person's: named, never read.
      if (file.startsWith('.')) collector.skip(`${name}/${file}`, 'a hidden file');
      else entries.push({ path: join(path, file), file: `${name}/${file}` });
    }
  }
  return entries;
}

/** What a path is, following a link only when its target stays inside `root`. */
async function kindOf(root: string, path: string): Promise<'folder' | 'file' | 'outside' | 'other'> {
  try {
    const info = await lstat(path);
    if (!info.isSymbolicLink()) return info.isDirectory() ? 'folder' : info.isFile() ? 'file' : 'other';
    const target = await realpath(path);
    const rel = relative(root, target);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`)) return 'outside';
    const targetInfo = await stat(target);
    return targetInfo.isDirectory() ? 'folder' : targetInfo.isFile() ? 'file' : 'other';
  } catch {
    return 'other';
  }
}

/** One image file's bytes, or why it was not read. */
async function readEntry(root: string, { path, file }: Entry): Promise<Uint8Array | SkippedFile> {
  const kind = await kindOf(root, path);
  if (kind === 'outside') return { file, reason: 'a link out of the folder' };
  if (kind === 'folder') return { file, reason: 'a folder inside a digit folder (only files directly inside are read)' };
  if (kind !== 'file') return { file, reason: 'not a regular file' };
  try {
    const { size } = await stat(path);
    if (size > MAX_IMAGE_FILE_BYTES) return { file, reason: tooLarge(size) };
    return new Uint8Array(await readFile(path));
  } catch (err) {
    return { file, reason: errnoOf(err) ? messageOf(explainFsError(err, file)).slice(file.length + 2) : messageOf(err) };
  }
}
