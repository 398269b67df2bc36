// The statistics of `npm run bench:torch`, kept pure so that a unit test can check them.

/** The median of `xs` (the upper middle one for an even count). */
export function median(xs) {
  if (xs.length === 0) throw new Error('median of no values');
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/** How far a contender's rounds disagree: max / min − 1 (0 for a single round). */
export function spread(xs) {
  if (xs.length === 0) throw new Error('spread of no values');
  return Math.max(...xs) / Math.min(...xs) - 1;
}

/** Rounds further apart than this make a median suspect: another process probably used the CPU. */
export const DISAGREEMENT = 0.2;

/** One warning line per contender whose rounds disagree by more than `threshold`, in the order given. */
export function disagreements(samples, threshold = DISAGREEMENT) {
  const lines = [];
  for (const [name, xs] of samples) {
    const s = spread(xs);
    if (s > threshold) {
      lines.push(
        `warning: ${name}'s rounds disagree by ${(s * 100).toFixed(0)}% (max/min − 1 > ${(threshold * 100).toFixed(0)}%): ` +
          'was another process using the CPU? Its median is not to be trusted.',
      );
    }
  }
  return lines;
}
