// The studio's data sets of a person's own images: listing, browsing (held in memory once read, as MNIST is),
// imports staged batch by batch from the window then stored at once, and deletes. studio.ts hands the
// `datasets:*` channels and a `set:` source of the `dataset:*` channels to it.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type DataSetEntry, MAX_STAGED_IMPORTS, setOf, type SetImportReport, type Source, type StagedImport } from '../shared/datasets.ts';
import { type Dataset, indicesOf, type Split } from './data/dataset.ts';
import { MAX_FOLDER_ENTRIES, SampleCollector, tooLarge } from './data/image-folder.ts';
import { UserError } from './errors.ts';
import type { FileOps } from './store/atomic.ts';
import { DataSetStore } from './store/data-sets.ts';

/** A split to browse, and each sample's file where it came from a folder. */
export interface Browsable {
  split: Split;
  files?: string[];
}

export class DataSets {
  readonly store: DataSetStore;
  /** Data sets read whole, by name: browsing one is as fast as browsing MNIST. Dropped when it changes. */
  private readonly loaded = new Map<string, Promise<{ split: Split; files: string[]; updatedAt: string }>>();
  /** Indices per source and label filter. */
  private readonly matching = new Map<string, Uint32Array>();
  /** Imports under way, by ticket, oldest first. */
  private readonly staged = new Map<string, SampleCollector>();

  constructor(
    userDir: string,
    private readonly mnist: Dataset,
    fileOps?: FileOps,
  ) {
    this.store = new DataSetStore(join(userDir, 'data-sets'), fileOps);
  }

  /** The data sets on disk; one changed or deleted by another process (the command line) is read again when next shown. */
  async list(): Promise<{ sets: DataSetEntry[]; unreadable: string[] }> {
    const listed = await this.store.list();
    for (const [name, held] of [...this.loaded]) {
      const entry = listed.sets.find((s) => s.name === name);
      const updatedAt = await held.then(
        (h) => h.updatedAt,
        () => null,
      );
      if (entry?.updatedAt !== updatedAt) this.forget(name);
    }
    return listed;
  }

  /** The split a source names: MNIST's train or test, or a data set (read once, then held). */
  async of(source: Source): Promise<Browsable> {
    const name = setOf(source);
    if (name === null) return { split: this.mnist[source as 'train' | 'test'] };
    return this.read(name);
  }

  /** Data set `name` as held in memory, with its files and when it last changed. */
  read(name: string): Promise<{ split: Split; files: string[]; updatedAt: string }> {
    let found = this.loaded.get(name);
    if (!found) {
      found = this.store.read(name).then(({ header, split }) => ({ split, files: header.files, updatedAt: header.updatedAt }));
      this.loaded.set(name, found);
      // A failure is not kept: asking again reads again.
      found.catch(() => this.loaded.get(name) === found && this.loaded.delete(name));
    }
    return found;
  }

  /** The indices of a source's samples, all or of one label. */
  async indices(source: Source, label?: number): Promise<Uint32Array> {
    const key = `${source}\u0000${label ?? 'all'}`;
    let found = this.matching.get(key);
    if (!found) this.matching.set(key, (found = indicesOf((await this.of(source)).split, label)));
    return found;
  }

  /** Read a batch of an import's files (a new import without `ticket`); what cannot be an image is skipped and named. */
  stage(ticket: string | undefined, files: ({ path: string; base64: string } | { path: string; size: number })[]): StagedImport {
    if (ticket !== undefined && !this.staged.has(ticket))
      throw new UserError('that import is no longer under way (it was finished, or dropped for newer ones); start it again');
    const id = ticket ?? randomBytes(8).toString('hex');
    if (ticket === undefined) {
      if (this.staged.size >= MAX_STAGED_IMPORTS) this.staged.delete(this.staged.keys().next().value!);
      this.staged.set(id, new SampleCollector());
    }
    const collector = this.staged.get(id)!;
    // Past this many files the report alone would outgrow a reply; nothing is stored until the commit.
    if (collector.count + collector.skipped.length + files.length > MAX_FOLDER_ENTRIES) {
      this.staged.delete(id);
      throw new UserError(`an import takes at most ${MAX_FOLDER_ENTRIES.toLocaleString('en-US')} files; nothing was stored`);
    }
    for (const file of files)
      if ('base64' in file) collector.add(file.path, new Uint8Array(Buffer.from(file.base64, 'base64')));
      else collector.skip(file.path, tooLarge(file.size));
    return { ticket: id, read: collector.count, skipped: collector.skipped.length };
  }

  /** Store what import `ticket` read as data set `name`, at once; an import with no labelled image is refused. */
  async commit(ticket: string, name: string, source: string): Promise<SetImportReport> {
    const collector = this.staged.get(ticket);
    if (!collector) throw new UserError('that import is no longer under way (it was finished, or dropped for newer ones); start it again');
    this.store.path(name);
    const read = collector.result();
    if (read.split.count === 0) {
      this.staged.delete(ticket);
      const first = read.skipped[0];
      throw new UserError(
        `${source || 'the folder'}: no labelled image (PNG or JPEG inside sub-folders 0/ … 9/)${first ? `; ${read.skipped.length} files skipped, first ${first.file}: ${first.reason}` : ''}`,
      );
    }
    const report = await this.store.import(name, read, source);
    this.staged.delete(ticket);
    this.forget(name);
    return report;
  }

  /** Delete data set `name`. */
  async remove(name: string): Promise<boolean> {
    const deleted = await this.store.remove(name);
    this.forget(name);
    return deleted;
  }

  /** Drop what is held of data set `name`: it changed on disk. */
  private forget(name: string): void {
    this.loaded.delete(name);
    for (const key of [...this.matching.keys()]) if (key.startsWith(`set:${name}\u0000`)) this.matching.delete(key);
  }
}
