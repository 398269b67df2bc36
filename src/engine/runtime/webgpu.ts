// WebGPU in plain Node: Dawn (the `webgpu` package, whose dawn.node is loaded by the OS) gives this thread a
// GPU device, and tfjs-backend-webgpu runs on it. A device is used only after a self-check: one training
// step's loss and gradients on a small LeNet-like net, against the cpu backend. A device lost later (a driver
// reset, a GPU unplugged, the OS reclaiming it) is remembered, so that the step after it fails with a clear
// message instead of reading back garbage.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import type * as tfjs from '@tensorflow/tfjs';

type Tf = typeof tfjs;
/** The adapter's description as Dawn gives it (older WebGPU typings lack `info`). */
type AdapterInfo = Partial<Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'>> & { isFallbackAdapter?: boolean };

/** What failed, in words a person can act on (another backend, or a driver): theirs to fix, not a fault of the studio. */
export class GpuUnavailable extends UserError {}

/** Fault injection for tests: $DIGIT_STUDIO_WEBGPU_FAULT = no-adapter | self-check | lose-after:<steps>. */
export type GpuFault = 'no-adapter' | 'self-check' | { loseAfterSteps: number } | null;

export function gpuFaultFromEnv(value = process.env.DIGIT_STUDIO_WEBGPU_FAULT): GpuFault {
  if (!value) return null;
  if (value === 'no-adapter' || value === 'self-check') return value;
  const lose = /^lose-after:(\d+)$/.exec(value);
  if (lose) return { loseAfterSteps: Number(lose[1]) };
  throw new Error(`DIGIT_STUDIO_WEBGPU_FAULT=${value} is not one of no-adapter, self-check, lose-after:<steps>`);
}

/** Largest relative difference the self-check allows between the GPU's and the cpu's loss and gradients. */
export const SELF_CHECK_TOLERANCE = 1e-3;

/** The adapter's name as a person knows it: its description, else vendor and architecture. */
export function adapterName(info: AdapterInfo | undefined): string {
  const description = info?.description?.trim();
  if (description) return description;
  const parts = [info?.vendor, info?.architecture, info?.device].map((p) => p?.trim()).filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : 'unnamed adapter';
}

/** Dawn's `navigator.gpu` for this thread, or why there is none. */
function dawnGpu(): GPU {
  const require = createRequire(import.meta.url);
  let dawn: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
  try {
    dawn = require('webgpu') as typeof dawn;
  } catch (err) {
    throw new GpuUnavailable(`WebGPU could not load Dawn (dawn.node): ${err instanceof Error ? err.message : String(err)}`);
  }
  // Without a runtime folder the Vulkan loader's window-system code prints "XDG_RUNTIME_DIR is invalid" to stderr.
  process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'digit-studio-xdg-'));
  // tfjs-backend-webgpu reads the WebGPU constants (GPUBufferUsage, GPUMapMode, …) as globals.
  for (const [name, value] of Object.entries(dawn.globals)) if (!(name in globalThis)) Object.assign(globalThis, { [name]: value });
  return dawn.create([]);
}

/** Make `gpu` this thread's navigator.gpu: tfjs-backend-webgpu's constructor looks for it there. */
function exposeGpu(gpu: GPU): void {
  const holder = globalThis as { navigator?: object };
  if (holder.navigator) Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
}

/** The device after start: its adapter's name, and whether it is still usable. */
export interface GpuDevice {
  adapter: string;
  /** Why the device was lost, or null while it works. */
  lost(): string | null;
  /** Count a training step; with a `lose-after` fault, the device is destroyed after that many. */
  stepped(): void;
}

export interface StartOptions {
  /** Accept a software adapter (SwiftShader): slower than the CPU backends, so only when asked for by name. */
  allowSoftware?: boolean;
  fault?: GpuFault;
}

/** Start the `webgpu` backend on the first adapter Dawn offers, self-checked; throws GpuUnavailable saying why not. */
export async function startWebGpu(tf: Tf, { allowSoftware = false, fault = gpuFaultFromEnv() }: StartOptions = {}): Promise<GpuDevice> {
  // Nothing for Dawn to find but software drivers it rejects, each with a warning on stderr: said here instead.
  if (!fault && !mayHaveGpu() && !process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES)
    throw new GpuUnavailable('no GPU device on this machine (no render node in /dev/dri); set VK_ICD_FILENAMES to use a software Vulkan driver');
  const gpu = dawnGpu();
  const adapter = (fault === 'no-adapter' ? null : await gpu.requestAdapter({ powerPreference: 'high-performance' })) as
    (GPUAdapter & { info: AdapterInfo }) | null;
  if (!adapter) throw new GpuUnavailable('no WebGPU adapter: this machine offers no GPU that Dawn can use (Vulkan, Metal or Direct3D 12)');
  // An injected fault stands for a real GPU's: the tests inject them on SwiftShader.
  if (adapter.info.isFallbackAdapter && !allowSoftware && !fault) {
    throw new GpuUnavailable(`the only WebGPU adapter is a software one (${adapterName(adapter.info)}), slower than the CPU`);
  }
  const limits = adapter.limits;
  // The limits tfjs-backend-webgpu asks for itself: the adapter's own, not WebGPU's smaller defaults.
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  const name = adapterName(adapter.info);
  let lostReason: string | null = null;
  void device.lost.then((info) => (lostReason = info.message || info.reason || 'unknown reason'));
  // Imported before navigator.gpu exists, so that it does not register a backend of its own on a device we did not check.
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  exposeGpu(gpu);
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, adapter.info as GPUAdapterInfo));
  if (!(await tf.setBackend('webgpu'))) throw new GpuUnavailable(`WebGPU on ${name}: tfjs could not start its webgpu backend`);
  const worst = fault === 'self-check' ? Infinity : await selfCheck(tf);
  if (!(worst <= SELF_CHECK_TOLERANCE)) {
    device.destroy();
    throw new GpuUnavailable(
      `WebGPU on ${name} failed its self-check: a training step's gradients differ from the cpu's by ${worst.toExponential(1)} (relative; at most ${SELF_CHECK_TOLERANCE} allowed)`,
    );
  }
  let steps = 0;
  return {
    adapter: name,
    lost: () => lostReason,
    stepped: () => {
      steps++;
      if (fault && typeof fault === 'object' && steps === fault.loseAfterSteps) {
        device.destroy();
        // Dawn settles device.lost on a later turn; the step that follows must already see it.
        lostReason = 'the device was destroyed (injected fault)';
      }
    },
  };
}

/** Largest relative difference of loss and gradients, webgpu against cpu, for one step of a small conv net. */
async function selfCheck(tf: Tf): Promise<number> {
  const compute = async (): Promise<Float32Array[]> => {
    const tensors = tf.tidy(() => {
      // Fixed, deterministic inputs: a batch of 4 images of 12×12, 10 classes, a 5×5 conv of 4 filters.
      const seq = (shape: number[], scale: number) => {
        const n = shape.reduce((a, b) => a * b, 1);
        return tf.tensor(
          Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + 1) * scale),
          shape,
        );
      };
      const x = seq([4, 12, 12, 1], 1) as tfjs.Tensor4D;
      const labels = tf.oneHot(tf.tensor1d([3, 1, 4, 1], 'int32'), 10);
      const step = tf.valueAndGrads((filter: tfjs.Tensor, bias: tfjs.Tensor, dense: tfjs.Tensor) => {
        const h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, filter as tfjs.Tensor4D, 1, 'same'), bias)) as tfjs.Tensor4D, 3, 3, 'valid');
        return tf.losses.softmaxCrossEntropy(labels, tf.matMul(tf.reshape(h, [4, 64]), dense)) as tfjs.Scalar;
      });
      const { value, grads } = step([seq([5, 5, 1, 4], 0.3), seq([4], 0.1), seq([64, 10], 0.2)]);
      return [value, ...grads];
    });
    const values = await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(tensors);
    return values;
  };
  const gpu = await compute();
  await tf.setBackend('cpu');
  const cpu = await compute();
  await tf.setBackend('webgpu');
  let worst = 0;
  for (let k = 0; k < cpu.length; k++) {
    const scale = Math.max(...cpu[k].map(Math.abs), 1e-6);
    for (let i = 0; i < cpu[k].length; i++) worst = Math.max(worst, Math.abs(gpu[k][i] - cpu[k][i]) / scale);
  }
  return worst;
}

/**
 * Whether this machine may have a GPU for Dawn to find. On Linux a GPU shows as a device node (a DRM render
 * node, or NVIDIA's); without one, asking Dawn only prints its Vulkan loader's complaints to stderr and finds
 * nothing a thread would take automatically. Elsewhere, Dawn is asked.
 */
export function mayHaveGpu(platform: string = process.platform, renderNodes: () => string[] = linuxGpuNodes): boolean {
  return platform !== 'linux' || renderNodes().length > 0;
}

function linuxGpuNodes(): string[] {
  const dri = (() => {
    try {
      return readdirSync('/dev/dri').filter((name) => name.startsWith('renderD'));
    } catch {
      return [];
    }
  })();
  return existsSync('/dev/nvidia0') ? [...dri, 'nvidia0'] : dri;
}
