// How much ink a drawing holds, measured on the drawing itself: the 28×28 field cannot tell, because the
// MNIST recipe scales any ink up to 20 pixels (a dot becomes a blob). Pure, so the window computes it too.
import { z } from 'zod';
import { type Box, fieldOfInk, inkBox, inkOf, type RawImage } from './preprocess.ts';

/** What model:predict may be told about the drawing a field came from. */
export const InkSummarySchema = z.object({
  /** The ink's longer side over the canvas's shorter side (0–1): how large the drawing is on its canvas. */
  extent: z.number().min(0).max(100),
});
export type InkSummary = z.infer<typeof InkSummarySchema>;

/** The ink summary of a drawing; null when it has no ink. */
export function inkSummary(image: RawImage): InkSummary | null {
  const box = inkBox(inkOf(image), image.width, image.height);
  return box ? summaryOf(box, image) : null;
}

const summaryOf = (box: Box, image: RawImage): InkSummary => ({ extent: Math.max(box.width, box.height) / Math.min(image.width, image.height) });

/** The field the model sees and the ink summary of a drawing, from one pass over its pixels; null when it has no ink. */
export function readDrawing(image: RawImage): { field: Float32Array; ink: InkSummary } | null {
  const ink = inkOf(image);
  const box = inkBox(ink, image.width, image.height);
  return box ? { field: fieldOfInk(ink, image.width, box), ink: summaryOf(box, image) } : null;
}
