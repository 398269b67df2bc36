// MNIST's shape, declared once for the engine, the contract and the window.

/** Width and height of one digit image. */
export const IMAGE_SIZE = 28;
/** Pixels in one digit image (28 × 28). */
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
/** The digits 0–9. */
export const NUM_CLASSES = 10;
/** 0, 1, …, 9: for listing one row or bar per digit. */
export const DIGITS: readonly number[] = Array.from({ length: NUM_CLASSES }, (_, d) => d);
