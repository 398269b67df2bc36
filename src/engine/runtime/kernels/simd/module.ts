// The SIMD kernels' WebAssembly instance (built from wasm/kernels.ts by `npm run build:wasm`): the
// relaxed-SIMD build where the runtime validates it (Electron's V8), else the plain-SIMD one (Node 20
// without --experimental-wasm-relaxed-simd). One instance per thread, with its own memory; callers copy
// tensors in and out through `reserve`, which grows the memory and hands out byte offsets.
import { PLAIN_SIMD, RELAXED_SIMD } from './binaries.ts';

/** The part of the WebAssembly API used here (the engine's lib has no DOM types, where its declarations live). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  heapBase(): number;
  pad(src: number, dst: number, n: number, h: number, w: number, c: number, top: number, bottom: number, left: number, right: number): void;
  convFilterGrad(
    xp: number,
    dy: number,
    dw: number,
    n: number,
    hp: number,
    wp: number,
    ci: number,
    oh: number,
    ow: number,
    co: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    acc: number,
  ): void;
  filterGradAccBytes(kh: number, kw: number, ci: number, co: number): number;
  conv(
    xp: number,
    w: number,
    bias: number,
    out: number,
    n: number,
    hp: number,
    wp: number,
    ci: number,
    oh: number,
    ow: number,
    cp: number,
    kh: number,
    kw: number,
    lo: number,
    hi: number,
  ): void;
  blockForward(
    xp: number,
    w: number,
    bias: number,
    a: number,
    p: number,
    n: number,
    hp: number,
    wp: number,
    ci: number,
    oh: number,
    ow: number,
    cp: number,
    kh: number,
    kw: number,
    act: number,
    pool: number,
    size: number,
    stride: number,
    ph: number,
    pw: number,
    lo: number,
    hi: number,
  ): void;
  blockBackward(
    a: number,
    p: number,
    dp: number,
    dz: number,
    db: number,
    n: number,
    oh: number,
    ow: number,
    cp: number,
    act: number,
    pool: number,
    size: number,
    stride: number,
    ph: number,
    pw: number,
    scratch: number,
  ): void;
  restride(src: number, dst: number, count: number, from: number, to: number): void;
  flipFilter(w: number, w2: number, kh: number, kw: number, ci: number, co: number, cp: number, cip: number): void;
}

export type SimdBuild = 'relaxed' | 'plain';

/** Bytes a kernel may read past the end of each buffer (whole vectors over a row's end); never stored. */
export const SLACK = 64;
const PAGE = 65536;

export interface SimdKernels {
  build: SimdBuild;
  exports: KernelExports;
  /** Byte offsets of buffers of the given byte sizes (each 16-aligned, SLACK apart), valid until the next call. */
  reserve(...sizes: number[]): number[];
  /** A float view of `count` floats at byte offset `at` (taken after reserve: growing detaches views). */
  floats(at: number, count: number): Float32Array;
}

/** The build this runtime runs: relaxed SIMD if it validates, unless $DIGIT_STUDIO_WASM_SIMD=plain asks for the plain one. */
export function chooseBuild(relaxedValidates = wasm.validate(Buffer.from(RELAXED_SIMD, 'base64'))): SimdBuild {
  if (process.env.DIGIT_STUDIO_WASM_SIMD === 'plain') return 'plain';
  return relaxedValidates ? 'relaxed' : 'plain';
}

let instance: SimdKernels | undefined;

/** This thread's kernels, instantiated on first use. */
export function simdKernels(): SimdKernels {
  instance ??= createSimdKernels(chooseBuild());
  return instance;
}

/** Each build compiled once per thread: instances share its code (and V8 optimizes it once). */
const modules = new Map<SimdBuild, object>();

function compiled(build: SimdBuild): object {
  let module = modules.get(build);
  if (!module) modules.set(build, (module = new wasm.Module(Buffer.from(build === 'relaxed' ? RELAXED_SIMD : PLAIN_SIMD, 'base64'))));
  return module;
}

/** A new instance of `build`, with its own memory. */
export function createSimdKernels(build: SimdBuild): SimdKernels {
  const exports = new wasm.Instance(compiled(build), {}).exports as unknown as KernelExports;
  const base = exports.heapBase();
  const align = (n: number) => Math.ceil(n / 16) * 16;
  return {
    build,
    exports,
    reserve(...sizes) {
      const offsets: number[] = [];
      let end = base;
      for (const size of sizes) {
        offsets.push(end);
        end = align(end + size + SLACK);
      }
      const missing = end - exports.memory.buffer.byteLength;
      if (missing > 0) exports.memory.grow(Math.ceil(missing / PAGE));
      return offsets;
    },
    floats: (at, count) => new Float32Array(exports.memory.buffer, at, count),
  };
}
