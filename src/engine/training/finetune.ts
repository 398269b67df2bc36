// Fine-tuning on my digits: go on training a model from its weights on MNIST plus my digits, my digits a
// fixed share of every batch, a stratified part of them held out to measure before and after. A fine-tune
// run keeps its digits in its own folder (mine/ and held-out/, IDX pairs), so that it resumes on the same
// data whatever happens to the collection meanwhile.
import { join } from 'node:path';
import type { tf } from '../runtime/backend.ts';
import { rng, shuffled } from '../data/batches.ts';
import { joinSplits, type Split } from '../data/dataset.ts';
import { readPairFolder, writePairFolder } from '../data/idx-pair.ts';
import { evaluate } from '../model/evaluate.ts';
import { UserError } from '../errors.ts';
import { heldOutOf, type FinetuneReport } from '../../shared/digits.ts';
import { NUM_CLASSES, PIXELS } from '../../shared/mnist.ts';

/** The fewest of my digits a fine-tune takes, declared once for the engine and the window (shared/digits.ts). */
export { MIN_FINETUNE_DIGITS } from '../../shared/digits.ts';
import { MIN_FINETUNE_DIGITS } from '../../shared/digits.ts';
/** The share of every batch that is my digits, declared once for the engine and the window's estimate. */
export { MINE_SHARE } from '../../shared/digits.ts';
import { MINE_SHARE } from '../../shared/digits.ts';
/** The folders of a fine-tune run that hold its digits. */
export const MINE_FOLDER = 'mine';
export const HELD_OUT_FOLDER = 'held-out';

/** What a new fine-tune run starts from. */
export interface FinetuneJob {
  /** The model folder whose weights it starts from, and its name for the report. */
  fromDir: string;
  fromLabel: string;
  /** My digits (or a data set's images) to train on and those held out. */
  mine: Split;
  heldOut: Split;
  /** The data set fine-tuned on, when not my digits. */
  set?: string;
}

/** Refuse a collection (my digits, or data set `set`) too small to fine-tune on, saying how many are needed. */
export function checkEnoughDigits(count: number, set?: string): void {
  if (set !== undefined && count < MIN_FINETUNE_DIGITS)
    throw new UserError(`fine-tuning needs at least ${MIN_FINETUNE_DIGITS} images; data set ${JSON.stringify(set)} has ${count}`);
  if (count < MIN_FINETUNE_DIGITS) {
    throw new UserError(
      `fine-tuning needs at least ${MIN_FINETUNE_DIGITS} of my digits; there ${count === 1 ? 'is 1' : `are ${count}`} — save more from the Draw view`,
    );
  }
}

/** The samples `indices` of a split, as a split of their own. */
export function pick(split: Split, indices: ArrayLike<number>): Split {
  const pixels = new Uint8Array(indices.length * PIXELS);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    pixels.set(split.pixels.subarray(indices[k] * PIXELS, (indices[k] + 1) * PIXELS), k * PIXELS);
    labels[k] = split.labels[indices[k]];
  }
  return { count: indices.length, pixels, labels };
}

/**
 * Hold out `share` of each digit's distinct fields (rounded, at least one of any digit with two or more), chosen by
 * `seed`: the same collection and seed give the same split.
 */
export function holdOut(split: Split, share: number, seed: number): { train: Split; heldOut: Split } {
  const train: number[] = [];
  const held: number[] = [];
  for (let digit = 0; digit < NUM_CLASSES; digit++) {
    // Identical fields go to one side together: a copy held out would measure a digit the model trained on.
    const groups = new Map<string, number[]>();
    for (let i = 0; i < split.count; i++) {
      if (split.labels[i] !== digit) continue;
      const key = Buffer.from(split.pixels.subarray(i * PIXELS, (i + 1) * PIXELS)).toString('base64');
      groups.set(key, [...(groups.get(key) ?? []), i]);
    }
    const ofDigit = [...groups.values()];
    const order = shuffled(ofDigit.length, rng(seed * 10 + digit));
    const count = heldOutOf(ofDigit.length, share);
    order.forEach((k, position) => (position < count ? held : train).push(...ofDigit[k]));
  }
  return {
    train: pick(
      split,
      train.sort((a, b) => a - b),
    ),
    heldOut: pick(
      split,
      held.sort((a, b) => a - b),
    ),
  };
}

/**
 * The training split of a fine-tune (my digits first, then MNIST's) and each epoch's order: every batch is
 * `MINE_SHARE` my digits (cycling through a shuffle of them) and the rest MNIST, as many batches as MNIST fills.
 */
export function finetuneData(mine: Split, mnist: Split, batchSize: number, seed: number): { train: Split; orderOf: (epoch: number) => Uint32Array } {
  const train = joinSplits(mine, mnist);
  const ofMine = Math.max(1, Math.round(batchSize * MINE_SHARE));
  const ofMnist = batchSize - ofMine;
  const orderOf = (epoch: number) => {
    const random = rng(seed * 1000 + epoch);
    const mnistOrder = shuffled(mnist.count, random);
    const batches = Math.ceil(mnist.count / ofMnist);
    const order = new Uint32Array(mnist.count + batches * ofMine);
    let mineOrder = shuffled(mine.count, random);
    let nextMine = 0;
    let at = 0;
    for (let b = 0; b < batches; b++) {
      for (let k = 0; k < ofMine; k++) {
        if (nextMine === mine.count) [mineOrder, nextMine] = [shuffled(mine.count, random), 0];
        order[at++] = mineOrder[nextMine++];
      }
      for (const i of mnistOrder.subarray(b * ofMnist, (b + 1) * ofMnist)) order[at++] = mine.count + i;
    }
    return order;
  };
  return { train, orderOf };
}

/** Accuracy on my held-out digits (null when none are held out) and on the MNIST test split. */
export async function measure(model: tf.LayersModel, heldOut: Split, test: Split): Promise<FinetuneReport['before']> {
  return {
    mine: heldOut.count > 0 ? (await evaluate(model, heldOut)).accuracy : null,
    mnist: (await evaluate(model, test)).accuracy,
  };
}

/** Write a new fine-tune run's digits into its folder; returns the folder of the training digits (its dataDir). */
export async function saveRunDigits(runDir: string, job: FinetuneJob): Promise<string> {
  await writePairFolder(join(runDir, MINE_FOLDER), job.mine);
  await writePairFolder(join(runDir, HELD_OUT_FOLDER), job.heldOut);
  return join(runDir, MINE_FOLDER);
}

/** A fine-tune run's digits, read back from its folder (when it resumes). */
export async function readRunDigits(runDir: string): Promise<{ mine: Split; heldOut: Split }> {
  // A pair of no digits (nothing held out) is a valid IDX pair too.
  const [mine, heldOut] = await Promise.all([readPairFolder(join(runDir, MINE_FOLDER)), readPairFolder(join(runDir, HELD_OUT_FOLDER))]);
  return { mine, heldOut };
}
