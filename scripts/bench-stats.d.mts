/** The median of `xs` (the upper middle one for an even count). */
export function median(xs: readonly number[]): number;
/** How far a contender's rounds disagree: max / min − 1 (0 for a single round). */
export function spread(xs: readonly number[]): number;
/** Rounds further apart than this make a median suspect. */
export const DISAGREEMENT: number;
/** One warning line per contender whose rounds disagree by more than `threshold`, in the order given. */
export function disagreements(samples: Iterable<readonly [string, readonly number[]]>, threshold?: number): string[];
