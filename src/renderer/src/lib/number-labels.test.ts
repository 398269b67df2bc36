// Labels under a number's boxes: never over each other (issue 25, item 5).
import { describe, expect, it } from 'vitest';
import { placeLabels } from './number-labels';

const overlap = (a: { x: number; row: number }, b: { x: number; row: number }, width: number) => a.row === b.row && Math.abs(a.x - b.x) < width;

describe('placeLabels', () => {
  it('puts labels of narrow neighbouring boxes on separate rows, and each under its own box', () => {
    // Ten narrow digits 20 px apart, each label 45 px wide ("1? 62%").
    const labels = Array.from({ length: 10 }, (_, k) => ({ centre: 30 + k * 20, width: 45 }));
    const { placed, rows } = placeLabels(labels, 600, 4);
    for (let a = 0; a < placed.length; a++) for (let b = a + 1; b < placed.length; b++) expect(overlap(placed[a], placed[b], 45)).toBe(false);
    expect(rows).toBeGreaterThan(1);
    placed.forEach((p, k) => expect(p.x).toBe(labels[k].centre));
  });

  it('keeps wide-apart labels on one row, and one at the edge inside the strip', () => {
    const { placed, rows } = placeLabels(
      [
        { centre: 5, width: 40 },
        { centre: 300, width: 40 },
      ],
      600,
      4,
    );
    expect(rows).toBe(1);
    expect(placed[0].x).toBe(20);
  });
});
