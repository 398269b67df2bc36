// Training with a person's own images (a data set or an image folder) as extra data: its images split into a
// training part and a held-out validation share, trained with or without MNIST's training split, validated on
// the held-out share. A run keeps both parts in its own folder (own/ and own-validation/, IDX pairs), so that it
// resumes on the same data whatever happens to the data set meanwhile.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { joinSplits, type Split } from '../data/dataset.ts';
import { readPairFolder, writePairFolder } from '../data/idx-pair.ts';
import { UserError } from '../errors.ts';
import { holdOut } from './finetune.ts';

export const OWN_FOLDER = 'own';
export const OWN_VALIDATION_FOLDER = 'own-validation';
/** The share of a person's images held out to validate on, unless they choose another. */
export const DEFAULT_VALIDATION = 0.2;
/** The fewest images a run trains on as its own data: enough that a validation share keeps some of each. */
export const MIN_OWN_IMAGES = 10;

/** What a new run trains with besides (or instead of) MNIST. */
export interface OwnDataJob {
  /** The data set's or folder's name, for the run's record. */
  source: string;
  train: Split;
  validation: Split;
  /** MNIST's training split trains beside it. */
  mnist: boolean;
}

/** Split `images` into training and a validation share of each digit, chosen by `seed`. */
export function ownData(source: string, images: Split, validation: number, mnist: boolean, seed: number): OwnDataJob {
  if (images.count < MIN_OWN_IMAGES) throw new UserError(`${source}: training takes at least ${MIN_OWN_IMAGES} images; it has ${images.count}`);
  if (validation === 0) return { source, train: images, validation: { count: 0, pixels: new Uint8Array(0), labels: new Uint8Array(0) }, mnist };
  const { train, heldOut } = holdOut(images, validation, seed);
  return { source, train, validation: heldOut, mnist };
}

/** The training and test splits of a run with own data: its validation share is the test split, when it has one. */
export function withOwnData(
  job: Pick<OwnDataJob, 'train' | 'validation' | 'mnist'>,
  mnist: { train: Split; test: Split },
): { train: Split; test: Split } {
  return {
    train: job.mnist ? joinSplits(job.train, mnist.train) : job.train,
    test: job.validation.count > 0 ? job.validation : mnist.test,
  };
}

/** Keep a new run's own data in its folder; returns the folder of the training part (its dataDir). */
export async function saveOwnData(runDir: string, job: OwnDataJob): Promise<string> {
  await writePairFolder(join(runDir, OWN_FOLDER), job.train);
  await writePairFolder(join(runDir, OWN_VALIDATION_FOLDER), job.validation);
  return join(runDir, OWN_FOLDER);
}

/** A resumed run's own data, or null for a run without. */
export async function readOwnData(runDir: string): Promise<{ train: Split; validation: Split } | null> {
  if (!existsSync(join(runDir, OWN_FOLDER))) return null;
  const [train, validation] = await Promise.all([readPairFolder(join(runDir, OWN_FOLDER)), readPairFolder(join(runDir, OWN_VALIDATION_FOLDER))]);
  return { train, validation };
}
