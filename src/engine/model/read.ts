// Reading a whole number (model:read and the CLI's `read`): the shared segmenter with the model as its
// judge of candidate cuts, and each digit's confidence judged as a single digit's is.
import { tf } from '../runtime/backend.ts';
import { IMAGE_SIZE } from '../data/dataset.ts';
import { decodePng } from '../data/png.ts';
import { UserError } from '../errors.ts';
import type { NumberReading, ReadInput } from '../../shared/contract.ts';
import type { RawImage } from '../../shared/preprocess.ts';
import { type Classify, type DigitPiece, NotANumber, segmentImage, type SegmentOptions, segmentStrokes } from '../../shared/segment.ts';
import { READING_CLASSES } from '../../shared/mnist.ts';
import { judgeConfidence } from './confidence.ts';

/** The model as the segmenter's judge: probabilities for a batch of fields, in one call. */
export function classifierOf(model: tf.LayersModel): Classify {
  return async (fields) => {
    if (fields.length === 0) return [];
    const batch = new Float32Array(fields.length * IMAGE_SIZE * IMAGE_SIZE);
    fields.forEach((field, k) => batch.set(field, k * IMAGE_SIZE * IMAGE_SIZE));
    const probs = tf.tidy(() => model.predict(tf.tensor4d(batch, [fields.length, IMAGE_SIZE, IMAGE_SIZE, 1])) as tf.Tensor2D);
    const rows = (await probs.array()) as number[][];
    probs.dispose();
    return rows;
  };
}

/** The contract's reading of segmented pieces. */
function readingOf(pieces: DigitPiece[]): NumberReading {
  const digits = pieces.map(({ box, field, probabilities, label }) => {
    const { confident, reason } = judgeConfidence(probabilities, field);
    return {
      box: [box.left, box.top, box.width, box.height] as [number, number, number, number],
      label,
      probabilities,
      confident,
      ...(confident ? {} : { reason }),
      field: Array.from(field),
    };
  });
  return { number: digits.map((d) => d.label).join(''), digits };
}

/** Ink that is not a number (too many marks) is the person's to fix, named by `name`; anything else is a fault. */
async function segmented<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof NotANumber) throw new UserError(`${name}: ${err.message}`);
    throw err;
  }
}

/** Whether a model is a reading model: an eleventh output, "not one digit". */
export const isReadingModel = (model: tf.LayersModel): boolean => model.outputs[0].shape[1] === READING_CLASSES;

/**
 * The segmenter's two callbacks: `judge` scores candidate digits (a reading model: its "not one digit" rejects
 * half digits and squeezed pairs); `model` and the judge together name the digits chosen (segment.ts). A reading
 * model may do both alone.
 */
function segmentOptions(model: tf.LayersModel, judge: tf.LayersModel | null): { classify: Classify; options: SegmentOptions } {
  const classify = classifierOf(model);
  if (!judge || judge === model) return { classify, options: {} };
  return { classify, options: { judge: classifierOf(judge) } };
}

/**
 * Read the number in a decoded image. `name` names it in errors: a flat image, one without digits, or one
 * that is nearly all ink is refused with a UserError. `judge`, a reading model, chooses the cuts.
 */
export async function readNumberImage(
  model: tf.LayersModel,
  image: RawImage,
  name = 'the image',
  judge: tf.LayersModel | null = null,
): Promise<NumberReading> {
  const { classify, options } = segmentOptions(model, judge);
  const pieces = await segmented(name, () => segmentImage(image, classify, options));
  if (pieces === null) throw new UserError(`${name}: the image is one flat colour; there is no ink to read`);
  if (pieces.length === 0) throw new UserError(`${name}: no digits found`);
  const covered = pieces.reduce((sum, p) => sum + p.box.width * p.box.height, 0);
  if (pieces.length === 1 && covered >= 0.95 * image.width * image.height) {
    throw new UserError(`${name}: the ink covers the whole image; this does not look like a written number`);
  }
  return readingOf(pieces);
}

/** Read model:read's input: a drawing's strokes (an empty drawing reads as no digits) or a PNG. */
export async function readNumber(model: tf.LayersModel, input: ReadInput, judge: tf.LayersModel | null = null): Promise<NumberReading> {
  if ('png' in input) return readNumberImage(model, decodePng(Buffer.from(input.png, 'base64'), 'the image'), 'the image', judge);
  const { classify, options } = segmentOptions(model, judge);
  return readingOf(await segmented('the drawing', () => segmentStrokes(input.strokes, input.canvas, classify, options)));
}
