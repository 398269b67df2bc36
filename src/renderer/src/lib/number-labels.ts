// Where each digit's label goes in the strip under a number's picture: under its box, on the first row where it
// overlaps no other label. Under the picture, a label never covers the ink; in rows, never another label.

/** A label to place: the centre of its box and its width, both in the picture's pixels. */
export interface LabelToPlace {
  centre: number;
  width: number;
}

/** Each label's centre (kept inside the strip) and row; `rows` is how many rows the strip needs. */
export function placeLabels(
  labels: readonly LabelToPlace[],
  stripWidth: number,
  gap: number,
): { placed: { x: number; row: number }[]; rows: number } {
  const rowEnds: number[] = [];
  const placed = new Array<{ x: number; row: number }>(labels.length);
  const order = labels.map((_, k) => k).sort((a, b) => labels[a].centre - labels[b].centre);
  for (const k of order) {
    const { centre, width } = labels[k];
    const x = Math.min(Math.max(centre, width / 2), Math.max(width / 2, stripWidth - width / 2));
    let row = rowEnds.findIndex((end) => end + gap <= x - width / 2);
    if (row < 0) row = rowEnds.push(-Infinity) - 1;
    rowEnds[row] = x + width / 2;
    placed[k] = { x, row };
  }
  return { placed, rows: Math.max(1, rowEnds.length) };
}
