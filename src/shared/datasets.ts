// Data sets of a person's own images: folders of labelled images imported into the studio's store.
import { z } from 'zod';

/** The most images one data set holds: as many as MNIST's training split. */
export const MAX_SET_IMAGES = 60_000;
/** The most data sets the store holds. */
export const MAX_SETS = 32;
/** A data set's name: also its file's name in the store, so letters, digits, spaces, `-` and `_` only. */
export const SET_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9 _-]{0,38}[A-Za-z0-9_-])?$/;
/** What a name that does not match SET_NAME_PATTERN is told. */
export const SET_NAME_RULE = 'a data set name has 1 to 40 letters, digits, spaces, - or _, and starts with a letter or digit';

/** A data set's name as the contract takes it. */
export const SetNameSchema = z.string().regex(SET_NAME_PATTERN, SET_NAME_RULE);

/** Where the Dataset place's samples come from: MNIST's splits or a data set (`set:` and its name). */
export type Source = 'train' | 'test' | `set:${string}`;
const SET_SOURCE = new RegExp(`^set:${SET_NAME_PATTERN.source.slice(1)}`);
/** A source as the contract takes it. */
export const SourceSchema = z.custom<Source>(
  (v) => v === 'train' || v === 'test' || (typeof v === 'string' && SET_SOURCE.test(v)),
  'must be train, test or set: and a data set name',
);
/** The data set a source names, or null for MNIST's splits. */
export const setOf = (source: Source): string | null => (source.startsWith('set:') ? source.slice(4) : null);

/** The most image files one `datasets:stage` request carries (the window sends a folder in such batches). */
export const MAX_STAGE_FILES = 500;
/** The largest image file the window sends (the same cap as the engine's for a file on disk). */
export const MAX_IMAGE_FILE_BYTES = 16 * 1024 ** 2;
/** The most imports staged at once, across windows: an older one unfinished is dropped. */
export const MAX_STAGED_IMPORTS = 4;

/** A file left out of an import, and why, in one line. */
export interface SkippedFile {
  /** Its path inside the folder, parts joined by `/`. */
  file: string;
  reason: string;
}

/** A stored data set, as the list shows it. */
export interface DataSetEntry {
  name: string;
  count: number;
  /** How many images of each digit 0–9. */
  perDigit: number[];
  updatedAt: string;
}

/** An import under way: what was read so far. */
export interface StagedImport {
  ticket: string;
  /** Images read so far, and files skipped so far. */
  read: number;
  skipped: number;
}

/** Training with a data set: beside MNIST or alone, validated on its held-out share. */
export const OwnDataRequestSchema = z.object({
  set: SetNameSchema,
  mnist: z.boolean(),
  /** The share of each digit's images held out to validate on. */
  validation: z.number().min(0).max(0.5),
});

/** What an import did: images read, added, already held, and the files skipped. */
export interface SetImportReport {
  name: string;
  /** Images read from the folder (`added` + `duplicates`). */
  samples: number;
  added: number;
  /** Images the data set already held (same label, same 28×28): re-importing adds nothing twice. */
  duplicates: number;
  skipped: SkippedFile[];
  /** The data set's size after the import. */
  count: number;
}
