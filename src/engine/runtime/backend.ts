// Chooses the engine's tfjs backend: native TensorFlow when it loads, else wasm with our own kernels.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { unpackedPath } from './asar.ts';
import { fastBatchMatMul } from './kernels/batch-mat-mul.ts';
import { conv2dBackpropFilterConfig } from './kernels/conv2d-backprop-filter.ts';
import { fastConv2dBackpropInput } from './kernels/conv2d-backprop-input.ts';
import { fastCast, fastIdentity } from './kernels/copy-free.ts';
import { fastMaxPoolGrad } from './kernels/max-pool-grad.ts';
import { simdConv2dBackpropFilter } from './kernels/simd-filter-grad.ts';
import { type FastPath, withFastPath } from './kernels/runner.ts';

export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** What the user sees: `native TensorFlow`, `wasm fallback`, `cpu (slow reference)`. */
export const BACKEND_LABELS: Record<BackendName, string> = {
  tensorflow: 'native TensorFlow',
  wasm: 'wasm fallback',
  cpu: 'cpu (slow reference)',
};

let chosen: Promise<BackendName> | undefined;

async function tryNative(): Promise<boolean> {
  try {
    // The package name is built at run time so that bundlers leave this optional import alone.
    const name = ['@tensorflow', 'tfjs-node'].join('/');
    await import(name);
    return tf.findBackend('tensorflow') !== null && (await tf.setBackend('tensorflow'));
  } catch {
    return false;
  }
}

let wasmKernelsRegistered = false;

/** Kernels named in $DIGIT_STUDIO_STOCK_KERNELS (comma-separated) keep tfjs-wasm's own version: for A/B runs and bug hunts. */
export function stockKernels(): Set<string> {
  return new Set(
    (process.env.DIGIT_STUDIO_STOCK_KERNELS ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );
}

/** Add the gradient wasm lacks and replace the ones it runs slowly (each keeps the original as its fallback). */
function registerWasmKernels(): void {
  if (wasmKernelsRegistered) return;
  wasmKernelsRegistered = true;
  const stock = stockKernels();
  // The filter gradient wasm lacks: our SIMD kernel (wasm/kernels.ts), with the form on XNNPACK's forward
  // convolution as its fallback; naming Conv2DBackpropFilter in $DIGIT_STUDIO_STOCK_KERNELS keeps only that form.
  const filterGrad = conv2dBackpropFilterConfig('wasm');
  tf.registerKernel(stock.has('Conv2DBackpropFilter') ? filterGrad : withFastPath(filterGrad, simdConv2dBackpropFilter));
  const fastPaths: [string, FastPath][] = [
    ['Conv2DBackpropInput', fastConv2dBackpropInput],
    ['MaxPoolGrad', fastMaxPoolGrad],
    ['BatchMatMul', fastBatchMatMul],
    ['Identity', fastIdentity],
    ['Cast', fastCast],
  ];
  for (const [name, fast] of fastPaths) {
    if (stock.has(name)) continue;
    const original = tf.getKernel(name, 'wasm')!;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(withFastPath(original, fast));
  }
}

async function useWasm(): Promise<boolean> {
  const require = createRequire(import.meta.url);
  // Packaged, the .wasm files are unpacked from the asar: worker threads cannot read them inside it.
  const dist = unpackedPath(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')) + '/';
  // tfjs-wasm's threads need blob workers, which Node lacks; the single-threaded SIMD build is used.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths(dist);
  registerWasmKernels();
  return tf.setBackend('wasm');
}

function requested(): BackendName | undefined {
  const value = process.env.DIGIT_STUDIO_BACKEND;
  if (!value) return undefined;
  if (!(BACKENDS as readonly string[]).includes(value)) {
    throw new Error(`DIGIT_STUDIO_BACKEND=${value} is not one of ${BACKENDS.join(', ')}`);
  }
  return value as BackendName;
}

async function choose(): Promise<BackendName> {
  // PROD silences tfjs's console nags ("install our node backend"); the backend is reported instead.
  tf.env().set('PROD', true);
  const want = requested();
  if (want === 'cpu') {
    await tf.setBackend('cpu');
    return 'cpu';
  }
  if (want !== 'wasm' && (await tryNative())) return 'tensorflow';
  if (want === 'tensorflow') throw new Error('DIGIT_STUDIO_BACKEND=tensorflow but @tensorflow/tfjs-node is not installed');
  if (await useWasm()) return 'wasm';
  throw new Error('no tfjs backend could start (tried tensorflow and wasm)');
}

/** Initialise the backend once per thread and say which one runs. */
export function initBackend(): Promise<BackendName> {
  chosen ??= choose().then(async (name) => {
    await tf.ready();
    return name;
  });
  return chosen;
}

export { tf };
