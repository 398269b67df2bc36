// jsdom has no 2D canvas: a context that accepts every draw call and records nothing, and ImageData.

class FakeImageData {
  readonly data: Uint8ClampedArray;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8ClampedArray(width * height * 4);
  }
}

// One per canvas, knowing its canvas (Chart.js checks that), and measuring every text as 0 wide.
const contexts = new WeakMap<HTMLCanvasElement, object>();
const contextOf = (canvas: HTMLCanvasElement) =>
  new Proxy(
    { canvas, createImageData: (width: number, height: number) => new FakeImageData(width, height), measureText: () => ({ width: 0 }) },
    { get: (target, key) => (key in target ? target[key as keyof typeof target] : () => undefined) },
  );

/** Give every canvas the do-nothing context, and define ImageData, for the rest of the test file. */
export function fakeCanvas(): void {
  globalThis.ImageData ??= FakeImageData as unknown as typeof ImageData;
  HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
    if (!contexts.has(this)) contexts.set(this, contextOf(this));
    return contexts.get(this);
  } as unknown as HTMLCanvasElement['getContext'];
}
