// The window's one owner of the person's data sets: the list, an import of a picked folder sent to the engine in
// batches (so the window shows its progress), what the last import did, and deletes.
import type { InvokeInput, StudioApi } from '../../../shared/contract';
import {
  type DataSetEntry,
  MAX_IMAGE_FILE_BYTES,
  MAX_STAGE_FILES,
  OwnDataRequestSchema,
  SET_NAME_PATTERN,
  SET_NAME_RULE,
  type SetImportReport,
} from '../../../shared/datasets';
import { toBase64 } from './digits.svelte';
import { readBytes } from './idx-files';

/** Bytes sent in one batch at most: well inside a request's limits, and a steady progress bar. */
const BATCH_BYTES = 4 * 1024 ** 2;
/** Files sent in one batch at most: the engine prepares a batch at once, so a small one keeps predictions waiting briefly. */
const BATCH_FILES = Math.min(200, MAX_STAGE_FILES);

/** A picked file with its path inside the picked folder (`3/a.png`). */
export interface PickedFile {
  path: string;
  file: File;
}

/** A folder picked with `<input webkitdirectory>`: its name and its files with their paths inside it. */
export function pickedFolder(files: ArrayLike<File>): { folder: string; files: PickedFile[] } {
  const list = Array.from(files);
  const folder = list[0]?.webkitRelativePath.split('/')[0] ?? '';
  return {
    folder,
    files: list.map((file) => ({ path: file.webkitRelativePath.split('/').slice(1).join('/') || file.name, file })),
  };
}

/** A name for a data set from a folder's name: what SET_NAME_PATTERN allows, or "my images". */
export function nameFrom(folder: string): string {
  const name = folder
    .replace(/[^A-Za-z0-9 _-]+/g, ' ')
    .trim()
    .slice(0, 40)
    .trim();
  return SET_NAME_PATTERN.test(name) ? name : 'my images';
}

export class DataSetsState {
  sets = $state.raw<DataSetEntry[]>([]);
  unreadable = $state.raw<string[]>([]);
  loaded = $state(false);
  /** An import under way: files sent so far of all. */
  progress = $state<{ done: number; total: number } | null>(null);
  report = $state.raw<SetImportReport | null>(null);
  error = $state<string | null>(null);

  constructor(private readonly api: StudioApi) {}

  async load(): Promise<void> {
    try {
      const { sets, unreadable } = await this.api.invoke('datasets:list');
      this.sets = sets;
      this.unreadable = unreadable;
      this.loaded = true;
    } catch (err) {
      this.error = `Could not list the data sets: ${message(err)}`;
    }
  }

  /** Import `files` (a picked folder) as data set `name`; resolves with the report, or null after an error (then `error` says it). */
  async importFolder(name: string, folder: string, files: PickedFile[]): Promise<SetImportReport | null> {
    if (!SET_NAME_PATTERN.test(name)) {
      this.error = `Could not import: ${SET_NAME_RULE}.`;
      return null;
    }
    this.error = null;
    this.report = null;
    this.progress = { done: 0, total: files.length };
    try {
      let ticket: string | undefined;
      for (let at = 0; at < files.length;) {
        const batch: ({ path: string; base64: string } | { path: string; size: number })[] = [];
        let bytes = 0;
        while (at < files.length && batch.length < BATCH_FILES && (batch.length === 0 || bytes + files[at].file.size <= BATCH_BYTES)) {
          const { path, file } = files[at++];
          if (file.size > MAX_IMAGE_FILE_BYTES) batch.push({ path, size: file.size });
          else {
            batch.push({ path, base64: toBase64(await readBytes(file)) });
            bytes += file.size;
          }
        }
        ({ ticket } = await this.api.invoke('datasets:stage', { ...(ticket && { ticket }), files: batch }));
        this.progress = { done: at, total: files.length };
      }
      if (!ticket) throw new Error('the folder is empty');
      this.report = await this.api.invoke('datasets:commit', { ticket, name, source: folder });
      await this.load();
      return this.report;
    } catch (err) {
      this.error = `Could not import: ${message(err)}`;
      return null;
    } finally {
      this.progress = null;
    }
  }

  /** Delete data set `name`; true when it is gone. */
  async remove(name: string): Promise<boolean> {
    try {
      await this.api.invoke('datasets:delete', { name });
    } catch (err) {
      this.error = `Could not delete ${name}: ${message(err)}`;
      return false;
    }
    await this.load();
    return true;
  }
}

/** What training:start takes to train with a data set. */
export type OwnDataRequest = NonNullable<InvokeInput<'training:start'>['ownData']>;

/** The share of a data set held out to validate on, unless the person chooses another. */
export const DEFAULT_VALIDATION = 0.2;

/** The Training place's choice of data set to train with: none (MNIST alone), or one, with or without MNIST. */
export class OwnDataChoice {
  /** The data set's name, or null for MNIST alone. */
  set = $state<string | null>(null);
  mnist = $state(true);
  validation = $state(DEFAULT_VALIDATION);
  /** What training:start is sent, or undefined for MNIST alone (also when the set chosen is gone). */
  request = $derived(this.#request());
  /** Why the choice cannot train, or null. */
  problem = $derived(this.#problem());

  constructor(private readonly sets: Pick<DataSetsState, 'sets'>) {}

  #request(): OwnDataRequest | undefined {
    if (this.set === null || !this.sets.sets.some((s) => s.name === this.set)) return undefined;
    return { set: this.set, mnist: this.mnist, validation: this.validation };
  }

  #problem(): string | null {
    if (this.set === null) return null;
    const checked = OwnDataRequestSchema.shape.validation.safeParse(this.validation);
    return checked.success ? null : `Validation share: ${Number.isNaN(this.validation) ? 'enter a number' : checked.error.issues[0].message}`;
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
