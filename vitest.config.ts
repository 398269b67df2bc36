import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'], exclude: ['src/renderer/**'], environment: 'node' },
      },
      // The window's components and state, in jsdom with Svelte's browser build.
      {
        extends: true,
        plugins: [svelte({ configFile: false })],
        resolve: { conditions: ['browser'] },
        test: { name: 'renderer', include: ['src/renderer/**/*.test.ts'], environment: 'jsdom', setupFiles: ['src/renderer/src/testing/setup.ts'] },
      },
    ],
  },
});
