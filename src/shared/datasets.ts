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
