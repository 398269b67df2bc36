// The files the engine reads by path at run time, which the build writes beside the main bundle (out/main):
// named once, for electron.vite.config.ts that writes them and layout.ts that checks the package holds them.

/** tfjs-wasm's binaries (single-threaded: Node has no blob workers), read from beside the bundle (runtime/backend.ts). */
export const WASM_BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'];

/** MNIST's four IDX files, gzipped in out/main/mnist (data/dataset.ts reads them in memory, no copy on disk). */
export const MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

/** The most resources/ beside Electron may hold in a packaged app, in bytes (`npm run package:check`). */
export const MAX_RESOURCES_BYTES = 40 * 1024 * 1024;
