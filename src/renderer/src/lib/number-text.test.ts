// Number fields read what people type (issue 18, item 1): exponents, a leading point, a decimal comma, and
// never a different number from the one typed.
import { describe, expect, it } from 'vitest';
import { readNumber } from './number-text';

const value = (text: string) => {
  const read = readNumber(text);
  return read.kind === 'number' ? read.value : read.kind;
};

describe('readNumber', () => {
  it('reads 1e-4, .001, 0,001, 3e-3 and -3 as those numbers', () => {
    expect(['1e-4', '.001', '0,001', '3e-3', '-3', ' 200 ', '1E+2', '5.'].map(value)).toEqual([0.0001, 0.001, 0.001, 0.003, -3, 200, 100, 5]);
  });

  it('half-typed or foreign text is no number, with a reason', () => {
    for (const text of ['1e', '1e-', '-', '.', 'abc', '0x10', 'Infinity', '1.2.3', '1,2,3'])
      expect(readNumber(text)).toMatchObject({ kind: 'invalid', message: expect.stringContaining('is not a number') });
    expect(readNumber('  ')).toEqual({ kind: 'empty' });
  });

  it('refuses 1,000 (a thousand or one?) instead of guessing', () => {
    expect(readNumber('1,000')).toMatchObject({ kind: 'invalid', message: expect.stringContaining('could be read two ways') });
    expect(readNumber('60,000')).toMatchObject({ kind: 'invalid' });
    expect(value('0,125')).toBe(0.125);
  });
});
