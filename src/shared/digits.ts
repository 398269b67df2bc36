// My digits: drawings a person saved with their true label, kept in the per-user folder.
import { z } from 'zod';
import { PIXELS } from './mnist.ts';

/** A digit's id, the name of its file in the collection: `d-` and 12 hex digits. */
export const DIGIT_ID_PATTERN = /^d-[0-9a-f]{12}$/;

/** One pen stroke on the drawing pad, in the pad's own pixels. */
export const StrokeSchema = z.object({
  width: z.number().positive().max(200),
  points: z
    .array(z.tuple([z.number().min(-10_000).max(10_000), z.number().min(-10_000).max(10_000)]))
    .min(1)
    .max(5000),
});
export type Stroke = z.infer<typeof StrokeSchema>;

/** The most points a drawing may hold in all its strokes: a carefully drawn digit has a few hundred. */
export const MAX_DRAWING_POINTS = 20_000;
/** The most digits my digits hold: the whole list (5,000 × 784 bytes) stays a few MB on the wire. */
export const MAX_DIGITS = 5_000;

/** Strokes within MAX_DRAWING_POINTS in all. */
export const StrokesSchema = z
  .array(StrokeSchema)
  .max(500)
  .refine((strokes) => strokes.reduce((n, s) => n + s.points.length, 0) <= MAX_DRAWING_POINTS, {
    error: `a drawing holds at most ${MAX_DRAWING_POINTS.toLocaleString('en-US')} points`,
  });

/** What a saved drawing holds: its vectors (so it can be re-rendered), the canvas image, the 28×28 the model saw. */
export const DrawingSchema = z.object({
  strokes: StrokesSchema,
  /** The pad's size when drawn, in its pixels. */
  canvas: z.object({ width: z.number().int().min(1).max(4096), height: z.number().int().min(1).max(4096) }),
  /** The canvas as a PNG, base64 without a data: prefix; at most 4 MB. */
  png: z
    .string()
    .max(4 * 1024 * 1024 * 1.37)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'the canvas image must be base64'),
  /** The 28×28 field the model saw, 0..1 row by row. */
  field: z.array(z.number().min(0).max(1)).length(PIXELS),
});
export type Drawing = z.infer<typeof DrawingSchema>;

/** One of my digits, as the list shows it. */
export interface MyDigit {
  id: string;
  label: number;
  createdAt: string;
}

/** The most digits one listing answers with: the list comes in pages, each about 1 MB on the wire. */
export const DIGITS_PAGE = 1_000;

/** One page of the collection (newest first, from `offset`, at most DIGITS_PAGE), with their 28×28 fields. */
export interface MyDigitsList {
  /** How many readable digits the collection holds in all. */
  total: number;
  digits: MyDigit[];
  /** digits.length × 784 bytes, base64. */
  pixels: string;
  /** One line for each file of the collection that could not be read (left as it is on disk). */
  unreadable?: string[];
}

/** An IDX pair (images and labels, unsigned bytes), base64: what export writes and import reads. */
export interface IdxPair {
  images: string;
  labels: string;
}

/** Accuracy before and after a fine-tune run: on my held-out digits and on the MNIST test split. */
export interface FinetuneReport {
  from: string;
  /** How many of my digits trained and how many were held out. */
  trained: number;
  heldOut: number;
  before: { mine: number | null; mnist: number };
  /** Null until the run has trained all its epochs. */
  after: { mine: number | null; mnist: number } | null;
  /** The data set fine-tuned on instead of my digits (`mine` then measures its held-out images). */
  set?: string;
}

/**
 * The settings a fine-tune starts with, in the window and on the command line: a few epochs at a tenth of the
 * notebook's learning rate, a quarter of my digits held out, over the first 10,000 MNIST training digits (all
 * 60,000 take minutes on 2 cores).
 */
export const FINETUNE_DEFAULTS = { epochs: 3, learningRate: 0.0001, heldOut: 0.25, trainLimit: 10_000 } as const;

/** The share of every fine-tune batch that is my digits (the rest MNIST, so that it does not forget). */
export const MINE_SHARE = 0.2;

/** The fewest of my digits a fine-tune run accepts: enough that every held-out share keeps some to measure on. */
export const MIN_FINETUNE_DIGITS = 10;

/** How many of one digit's saved drawings a fine-tune holds out: none of a lone one, else `share` of them and at least one. */
export const heldOutOf = (count: number, share: number): number => (count < 2 ? 0 : Math.max(1, Math.round(count * share)));
