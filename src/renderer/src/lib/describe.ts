// Charts in words: what a screen reader says instead of the picture, with the data behind it.

/** The y value as people read it: a few significant digits. */
const value = (y: number) => (Math.abs(y) >= 100 ? y.toFixed(0) : Number(y.toPrecision(3)).toString());

/** Each series' name, its number of points, and its first and last point; "no data yet" when empty. */
export function describeSeries(series: { label: string; points: { x: number; y: number }[] }[], xLabel: string, yLabel: string): string {
  const drawn = series.filter((s) => s.points.length > 0);
  if (!drawn.length) return 'no data yet.';
  return (
    drawn
      .map((s) => {
        const first = s.points[0];
        const last = s.points.at(-1)!;
        if (s.points.length === 1) return `${s.label}: ${yLabel} ${value(first.y)} at ${xLabel} ${first.x}`;
        return `${s.label}: ${s.points.length} points, ${yLabel} from ${value(first.y)} at ${xLabel} ${first.x} to ${value(last.y)} at ${xLabel} ${last.x}`;
      })
      .join('; ') + '.'
  );
}

/** A layer's activations in words: how many units, how many fire, and the strongest. */
export function describeActivations(values: ArrayLike<number>, unit: (i: number) => string, top = 3): string {
  const list = Array.from(values, (v, i) => ({ v, i }));
  const active = list.filter((u) => u.v > 0).length;
  const strongest = [...list]
    .sort((a, b) => b.v - a.v)
    .slice(0, top)
    .map((u) => `${unit(u.i)} ${value(u.v)}`)
    .join(', ');
  return `${list.length} values, ${active} above zero; strongest: ${strongest}.`;
}
