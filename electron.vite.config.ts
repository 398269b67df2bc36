import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './src/shared/csp.ts';

/** The page's CSP <meta> tag, from the one declaration (it binds a page loaded from file://, where no header does). */
const cspMeta = (): Plugin => ({
  name: 'csp-meta',
  transformIndexHtml: () => [
    { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy([], 'meta') }, injectTo: 'head-prepend' },
  ],
});

export default defineConfig({
  main: {
    build: {
      // tfjs-node is optional: left to Node's resolver at run time (it pulls in node-pre-gyp).
      externalizeDeps: { include: ['@tensorflow/tfjs-node'] },
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
