// MNIST's shape, declared once for the engine, the contract and the window.

/** Width and height of one digit image. */
export const IMAGE_SIZE = 28;
/** Pixels in one digit image (28 × 28). */
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
/** The digits 0–9. */
export const NUM_CLASSES = 10;
/** Digits in MNIST's two splits: the most a sample limit can ask for. */
export const SPLIT_COUNTS = { train: 60_000, test: 10_000 } as const;
/** 0, 1, …, 9: for listing one row or bar per digit. */
export const DIGITS: readonly number[] = Array.from({ length: NUM_CLASSES }, (_, d) => d);
/** A reading model's extra class: a piece of ink that is not one digit (part of one, two squeezed together, a speck). */
export const NOT_ONE_DIGIT = 10;
/** A reading model's outputs: the ten digits, then NOT_ONE_DIGIT. */
export const READING_CLASSES = 11;
