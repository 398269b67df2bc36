// What a number field's text means. People type `1e-4`, `.001` or a decimal comma `0,001`; the field keeps
// their text and this says which number it is, or why it is none, so that no other number is ever used.

/** A field's text read: empty, a number, or a reason it is not one. */
export type NumberText = { kind: 'empty' } | { kind: 'number'; value: number } | { kind: 'invalid'; message: string };

const NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)(e[+-]?\d+)?$/i;
/** `1,000` or `12,500`: a thousands separator to some, a decimal comma to others. */
const GROUPED = /^[+-]?[1-9]\d{0,2}(,\d{3})+$/;

/** Read a field's text as people write numbers; a comma is a decimal comma unless it could be a thousands separator. */
export function readNumber(text: string): NumberText {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty' };
  if (GROUPED.test(trimmed))
    return {
      kind: 'invalid',
      message: `"${trimmed}" could be read two ways: write ${trimmed.replaceAll(',', '')} without the comma, or use a point for decimals`,
    };
  if (!NUMBER.test(trimmed)) return { kind: 'invalid', message: `"${trimmed}" is not a number (write 0.001, .001, 0,001 or 1e-3)` };
  return { kind: 'number', value: Number(trimmed.replace(',', '.')) };
}

/** A number as a field shows it when the person has not typed it: as JavaScript prints it (0.0001, 1e-7). */
export const numberText = (value: number | null) => (value === null || Number.isNaN(value) ? '' : String(value));
