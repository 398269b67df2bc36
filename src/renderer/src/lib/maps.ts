// RGBA pixels for what the network view draws: feature maps, learned filters and the saliency map.
import type { LayerActivation } from '../../../shared/explain';

/** One channel of a [h, w, c] activation as a gray image, stretched so its own minimum is black and maximum white. */
export function channelImage(activation: LayerActivation, channel: number): Uint8ClampedArray {
  const [height, width, channels] = activation.shape;
  const values = new Float32Array(height * width);
  for (let p = 0; p < values.length; p++) values[p] = activation.values[p * channels + channel];
  return grayImage(values);
}

/** Any values as gray pixels, min → black, max → white (all black when they are all equal). */
export function grayImage(values: ArrayLike<number>): Uint8ClampedArray {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  const span = max - min || 1;
  const rgba = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const v = ((values[i] - min) / span) * 255;
    rgba.set([v, v, v, 255], i * 4);
  }
  return rgba;
}

/**
 * Signed values as a diverging image over white: red where positive, blue where negative, stronger with the
 * magnitude; scaled by the largest magnitude so that the colours compare within one map, on a square-root
 * scale so that the many small values still show beside the few large ones.
 */
export function divergingImage(values: ArrayLike<number>): Uint8ClampedArray {
  let peak = 0;
  for (let i = 0; i < values.length; i++) peak = Math.max(peak, Math.abs(values[i]));
  const rgba = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const t = peak === 0 ? 0 : Math.sqrt(Math.abs(values[i]) / peak);
    const fade = 255 * (1 - t);
    rgba.set(values[i] >= 0 ? [255, fade, fade, 255] : [fade, fade, 255, 255], i * 4);
  }
  return rgba;
}

/** A Svelte attachment that paints `rgba` (width × height pixels) into its canvas. */
export function paintPixels(rgba: Uint8ClampedArray | null, width: number, height: number) {
  return (canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d');
    if (!context) return;
    if (!rgba) return context.clearRect(0, 0, width, height);
    const image = context.createImageData(width, height);
    image.data.set(rgba);
    context.putImageData(image, 0, 0);
  };
}

/** A Svelte attachment that draws `values` as bars from a baseline (the middle when any value is negative). */
export function paintBars(values: ArrayLike<number>, color = '#2f6fde') {
  return (canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d');
    if (!context) return;
    const { width, height } = canvas;
    context.clearRect(0, 0, width, height);
    let peak = 0;
    let signed = false;
    for (let i = 0; i < values.length; i++) {
      peak = Math.max(peak, Math.abs(values[i]));
      signed ||= values[i] < 0;
    }
    const base = signed ? height / 2 : height;
    const reach = signed ? height / 2 : height;
    const step = width / values.length;
    context.fillStyle = color;
    for (let i = 0; i < values.length; i++) {
      const h = peak === 0 ? 0 : (values[i] / peak) * reach;
      context.fillRect(i * step, base - Math.max(h, 0), Math.max(1, step - 1), Math.abs(h));
    }
  };
}
