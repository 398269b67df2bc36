// Chooses the engine's tfjs backend: native TensorFlow when it loads, else WebGPU on a GPU that passes its
// self-check (training and evaluation threads only), else wasm with our own kernels.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unpackedPath } from './asar.ts';
import { UserError } from '../errors.ts';
import { fastBatchMatMul } from './kernels/batch-mat-mul.ts';
import { conv2dBackpropFilterConfig } from './kernels/conv2d-backprop-filter.ts';
import { fastConv2dBackpropInput } from './kernels/conv2d-backprop-input.ts';
import { fastCast, fastIdentity } from './kernels/copy-free.ts';
import { fastMaxPoolGrad } from './kernels/max-pool-grad.ts';
import { simdConv2dBackpropFilter } from './kernels/simd-filter-grad.ts';
import { type FastPath, withFastPath } from './kernels/runner.ts';
import { type GpuDevice, gpuFaultFromEnv, GpuUnavailable, mayHaveGpu, startWebGpu } from './webgpu.ts';

export const BACKENDS = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** What the user sees: `GPU: <adapter>`, `CPU (TensorFlow)`, `CPU (WebAssembly)`, `CPU (slow reference)`. */
export function backendLabel(name: BackendName, adapter?: string): string {
  if (name === 'webgpu') return adapter ? `GPU: ${adapter}` : 'GPU';
  return { tensorflow: 'CPU (TensorFlow)', wasm: 'CPU (WebAssembly)', cpu: 'CPU (slow reference)' }[name];
}

/** A training step on a GPU whose device was lost: the run fails, resumable, and the next one runs on the CPU. */
export class GpuLost extends Error {}

export { GpuUnavailable };

/** What this thread runs on: the backend, the GPU's adapter, and why WebGPU was passed over (when it was). */
export interface BackendInfo {
  name: BackendName;
  adapter?: string;
  gpuSkipped?: string;
}

let chosen: Promise<BackendInfo> | undefined;
let gpu: GpuDevice | null = null;

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

/**
 * The folder of tfjs-wasm's binaries: beside the built bundle (out/main, where electron.vite.config.ts writes
 * them), else in the package (running from source). Packaged, it is unpacked from the asar: worker threads
 * cannot read inside it.
 */
function wasmDir(): string {
  const beside = fileURLToPath(new URL('./', import.meta.url));
  if (existsSync(join(beside, 'tfjs-backend-wasm-simd.wasm'))) return unpackedPath(beside);
  const require = createRequire(import.meta.url);
  return unpackedPath(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')) + '/';
}

async function useWasm(): Promise<boolean> {
  const dist = wasmDir();
  // tfjs-wasm's threads need blob workers, which Node lacks; the single-threaded SIMD build is used.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths(dist);
  registerWasmKernels();
  return tf.setBackend('wasm');
}

/**
 * $DIGIT_STUDIO_NATIVE=off passes native TensorFlow over in the automatic choice: for the tests of the GPU's
 * fallbacks, which native TensorFlow would hide where it installs, and for A/B runs.
 */
function nativeAllowed(): boolean {
  return process.env.DIGIT_STUDIO_NATIVE !== 'off';
}

function requested(value = process.env.DIGIT_STUDIO_BACKEND): BackendName | undefined {
  if (!value) return undefined;
  if (!(BACKENDS as readonly string[]).includes(value)) {
    throw new UserError(`DIGIT_STUDIO_BACKEND=${value} is not one of ${BACKENDS.join(', ')}; unset it to choose automatically`);
  }
  return value as BackendName;
}

/** WebGPU on the first adapter Dawn offers; a software one (SwiftShader) only when asked for by name. */
async function tryWebGpu(asked: boolean): Promise<BackendInfo | string> {
  try {
    const device = await startWebGpu(tf, { allowSoftware: asked });
    gpu = device;
    return { name: 'webgpu', adapter: device.adapter };
  } catch (err) {
    if (!(err instanceof GpuUnavailable)) throw err;
    // Whatever WebGPU left behind, the thread goes on from the CPU's backend.
    await tf.setBackend('cpu');
    return err.message;
  }
}

/** `want` as the person asked for it, for messages: by the environment variable, or by choosing it in the studio. */
function askedFor(want: BackendName, byVariable: boolean): string {
  return byVariable ? `DIGIT_STUDIO_BACKEND=${want}` : `the backend chosen (${want})`;
}

async function choose(want: BackendName | undefined, allowGpu: boolean, byVariable: boolean): Promise<BackendInfo> {
  // PROD silences tfjs's console nags ("install our node backend"); the backend is reported instead.
  tf.env().set('PROD', true);
  if (want === 'cpu') {
    await tf.setBackend('cpu');
    return { name: 'cpu' };
  }
  if (want === 'webgpu' && !allowGpu) want = undefined;
  if (want === undefined && nativeAllowed() && (await tryNative())) return { name: 'tensorflow' };
  if (want === 'tensorflow') {
    if (await tryNative()) return { name: 'tensorflow' };
    throw new UserError(`${askedFor(want, byVariable)} needs @tensorflow/tfjs-node, which is not installed`);
  }
  let gpuSkipped: string | undefined;
  if (want === undefined && allowGpu && !mayHaveGpu() && !gpuFaultFromEnv()) {
    // Nothing for Dawn to find (and it would say so on stderr): the CPU, with the reason kept.
    gpuSkipped = 'no GPU device on this machine';
  } else if (want === 'webgpu' || (want === undefined && allowGpu)) {
    // A software adapter (SwiftShader) is slower than the CPU: used only when $DIGIT_STUDIO_BACKEND names webgpu.
    const started = await tryWebGpu(requested() === 'webgpu');
    if (typeof started !== 'string') return started;
    if (want === 'webgpu') throw new GpuUnavailable(started);
    gpuSkipped = started;
  }
  if (await useWasm()) return { name: 'wasm', ...(gpuSkipped && { gpuSkipped }) };
  throw new Error('no tfjs backend could start (tried tensorflow and wasm)');
}

export interface BackendOptions {
  /** The backend asked for: $DIGIT_STUDIO_BACKEND when not given; automatic when neither. */
  want?: BackendName;
  /**
   * Whether WebGPU may be chosen (training and evaluation threads). The main thread predicts while the person
   * draws: one small batch at a time, which the CPU answers sooner than a round trip to the GPU.
   */
  gpu?: boolean;
}

/** Initialise the backend once per thread and say which one runs (with its adapter, for a GPU). */
export function initBackendInfo({ want, gpu: allowGpu = false }: BackendOptions = {}): Promise<BackendInfo> {
  chosen ??= choose(want ?? requested(), allowGpu, want === undefined).then(async (info) => {
    await tf.ready();
    return info;
  });
  return chosen;
}

/** Initialise the backend once per thread and say which one runs. */
export async function initBackend(options?: BackendOptions): Promise<BackendName> {
  return (await initBackendInfo(options)).name;
}

/** After a training step: on a GPU whose device was lost since, fail with a clear message. */
export function checkDevice(): void {
  if (!gpu) return;
  gpu.stepped();
  const lost = gpu.lost();
  if (lost)
    throw new GpuLost(
      `the GPU (${gpu.adapter}) was lost during training: ${lost}. The run keeps its last checkpoint and can be resumed; the next run trains on the CPU.`,
    );
}

/**
 * Whether `err` is the WebAssembly heap failing (out of memory, out of bounds, or aborted): every later call on
 * that backend fails the same way ("Aborted()") until it is rebuilt.
 */
export function isHeapFailure(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return (
    (err instanceof Error && err.name === 'RuntimeError') ||
    /^Aborted\(|memory access out of bounds|Cannot enlarge memory|Out of memory/i.test(message)
  );
}

// tfjs-backend-wasm registers itself at this priority.
const WASM_PRIORITY = 2;

/**
 * Replace this thread's wasm backend by a fresh one with a new heap (nothing to do on another backend). Every
 * tensor of the old one is lost with its heap: models must be loaded again.
 */
export async function rebuildBackend(): Promise<void> {
  if (tf.getBackend() !== 'wasm') return;
  const engine = tf.engine();
  const factory = engine.findBackendFactory('wasm');
  // The dead module cannot free its own memory: the backend is dropped without asking it to.
  const dead = engine.findBackend('wasm');
  if (dead) dead.dispose = () => undefined;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory, WASM_PRIORITY);
  if (!(await tf.setBackend('wasm'))) throw new Error('the WebAssembly backend could not be started again');
}

export { tf };
