// What a `--data FOLDER` holds: MNIST's IDX files (or an exported collection of my digits), or labelled images
// in sub-folders 0/ … 9/. The two are told apart by what is in the folder, never by a flag.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { type Dataset, loadDataset } from './dataset.ts';
import { type FolderRead, isImageFolder, readImageFolder } from './image-folder.ts';

const IDX_FILES = ['train-images-idx3-ubyte', 't10k-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-labels-idx1-ubyte'];

/** Does `dir` hold any of MNIST's IDX files (plain or .gz)? */
export function hasIdxFiles(dir: string): boolean {
  return IDX_FILES.some((name) => existsSync(join(dir, name)) || existsSync(join(dir, `${name}.gz`)));
}

/** A data folder read: an IDX dataset, or an image folder's images and skipped files. */
export type DataFolder = { kind: 'idx'; dataset: Dataset } | { kind: 'images'; dir: string; read: FolderRead };

/** Read `dir` as whichever kind it is; a folder of neither kind is refused in one line (by readImageFolder). */
export async function readDataFolder(dir: string, onProgress?: (done: number, total: number) => void): Promise<DataFolder> {
  if (!existsSync(dir)) throw new UserError(`${dir}: no such folder`);
  if (!(await isImageFolder(dir)) && hasIdxFiles(dir)) return { kind: 'idx', dataset: await loadDataset(dir) };
  return { kind: 'images', dir, read: await readImageFolder(dir, onProgress) };
}
