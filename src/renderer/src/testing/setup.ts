// jsdom has no canvas, ImageData or ResizeObserver: enough of each for components that paint and measure; and
// every test ends by checking that no payload the window sent broke the contract.
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/svelte';
import { takeMalformed } from './fake-api';

afterEach(() => {
  cleanup();
  // The Training form is kept in localStorage: each test starts from the notebook's form.
  localStorage.clear();
  const malformed = takeMalformed();
  if (malformed.length) throw new Error(`the window sent payloads the contract refuses:\n${malformed.join('\n')}`);
});

/** A 2D context that accepts every drawing call and draws nothing. */
function fakeContext(): CanvasRenderingContext2D {
  return new Proxy({} as CanvasRenderingContext2D, {
    get: (target, key) => (key in target ? target[key as keyof typeof target] : () => undefined),
    set: (target, key, value) => Reflect.set(target, key, value),
  });
}
HTMLCanvasElement.prototype.getContext = function () {
  return fakeContext();
} as unknown as typeof HTMLCanvasElement.prototype.getContext;

globalThis.ImageData ??= class {
  readonly data: Uint8ClampedArray;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8ClampedArray(width * height * 4);
  }
} as unknown as typeof ImageData;

globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};
