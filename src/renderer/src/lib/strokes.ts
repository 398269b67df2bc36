// The drawing pad's strokes as vectors: the pointer's path in pad pixels and the pen's width, one entry a
// stroke, kept in step with the pad's undo and clear.
import type { Stroke } from '../../../shared/digits';

/** The most points kept for one stroke (the contract's limit); a longer stroke keeps every n-th point and its end. */
export const MAX_STROKE_POINTS = 5000;
/** The most strokes a saved drawing may hold (the contract's limit): older ones are dropped from the vectors. */
export const MAX_STROKES = 500;

export interface StrokeRecorder {
  begin(x: number, y: number): void;
  extend(x: number, y: number): void;
  /** The pad made a stroke of the points since `begin`. */
  end(): void;
  undo(): void;
  clear(): void;
  strokes(): Stroke[];
}

const round = (v: number) => Math.round(v * 10) / 10;

/** A recorder for a pen of `width` pad pixels. */
export function recordStrokes(width: number): StrokeRecorder {
  const done: Stroke[] = [];
  let current: [number, number][] | null = null;
  return {
    begin(x, y) {
      current = [[round(x), round(y)]];
    },
    extend(x, y) {
      const last = current?.at(-1);
      if (!current || (last && last[0] === round(x) && last[1] === round(y))) return;
      current.push([round(x), round(y)]);
    },
    end() {
      if (!current) return;
      done.push({ width, points: thin(current) });
      current = null;
    },
    undo() {
      done.pop();
    },
    clear() {
      done.length = 0;
      current = null;
    },
    strokes() {
      return done.slice(-MAX_STROKES).map((stroke) => ({ width: stroke.width, points: stroke.points.map(([x, y]) => [x, y] as [number, number]) }));
    },
  };
}

/** At most MAX_STROKE_POINTS points, evenly chosen, first and last kept. */
function thin(points: [number, number][]): [number, number][] {
  if (points.length <= MAX_STROKE_POINTS) return points;
  const step = (points.length - 1) / (MAX_STROKE_POINTS - 1);
  return Array.from({ length: MAX_STROKE_POINTS }, (_, i) => points[Math.round(i * step)]);
}
