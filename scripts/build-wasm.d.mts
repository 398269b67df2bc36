/** wasm/kernels.ts, the AssemblyScript source. */
export const SOURCE: string;
/** Where the committed build lives: src/engine/runtime/kernels/simd. */
export const OUT_DIR: string;
/** The two builds: file name and the wasm features each may use. */
export const BUILDS: [string, string][];
/** Build both binaries and binaries.ts into `outDir`; returns the files written. */
export function buildWasm(outDir?: string): Promise<string[]>;
