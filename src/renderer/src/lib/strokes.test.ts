// The pad's strokes as vectors, in step with undo and clear, within the contract's limits.
import { describe, expect, it } from 'vitest';
import { StrokeSchema } from '../../../shared/digits';
import { MAX_STROKE_POINTS, recordStrokes } from './strokes';

describe('recordStrokes', () => {
  it('keeps each stroke as its points in pad pixels and the pen width; undo drops the last, clear all', () => {
    const rec = recordStrokes(22);
    rec.begin(10, 10);
    rec.extend(12.04, 15);
    rec.extend(12.04, 15); // no movement: not a new point
    rec.extend(14, 30);
    rec.end();
    rec.begin(50, 50);
    rec.end();
    expect(rec.strokes()).toEqual([
      {
        width: 22,
        points: [
          [10, 10],
          [12, 15],
          [14, 30],
        ],
      },
      { width: 22, points: [[50, 50]] },
    ]);
    rec.undo();
    expect(rec.strokes()).toHaveLength(1);
    rec.clear();
    expect(rec.strokes()).toEqual([]);
  });

  it('a very long stroke is thinned to the contract limit, keeping its ends', () => {
    const rec = recordStrokes(10);
    rec.begin(0, 0);
    for (let i = 1; i <= 12_000; i++) rec.extend(i % 400, Math.floor(i / 400));
    rec.end();
    const [stroke] = rec.strokes();
    expect(stroke.points).toHaveLength(MAX_STROKE_POINTS);
    expect(stroke.points[0]).toEqual([0, 0]);
    expect(stroke.points.at(-1)).toEqual([12_000 % 400, 30]);
    expect(StrokeSchema.safeParse(stroke).success).toBe(true);
  });

  it('movement before any stroke began, or after it ended, is not recorded', () => {
    const rec = recordStrokes(22);
    rec.extend(1, 1);
    rec.end();
    expect(rec.strokes()).toEqual([]);
  });
});
