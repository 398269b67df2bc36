import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Two speeds. `npm run test:unit` runs the fast path (the engine's and the window's unit tests: under two
// minutes on 2 cores); `npm run test:integration` runs what spawns processes, starts worker threads or trains
// for real. `npm test` runs both. A new slow test is named `*.slow.test.ts`, or listed here.
const INTEGRATION = [
  'src/**/*.slow.test.ts',
  'scripts/**/*.slow.test.ts',
  'src/cli/finetune.test.ts',
  'src/cli/predict-confidence.test.ts',
  'src/engine/annotate.test.ts',
  'src/engine/queue.test.ts',
  'src/engine/studio.test.ts',
  'src/engine/data/augment.test.ts',
  'src/engine/model/confidence.test.ts',
  'src/engine/model/explain.test.ts',
  'src/engine/runtime/workers.test.ts',
  'src/engine/runtime/kernels/simd.test.ts',
  'src/engine/runtime/kernels/conv-block.test.ts',
  'src/engine/store/runs.test.ts',
  'src/engine/testing/redraw.test.ts',
  'src/engine/testing/style.test.ts',
  'src/engine/training/finetune.test.ts',
  'src/engine/training/train.test.ts',
  'src/engine/training/train-worker.test.ts',
  'src/engine/training/trainer.test.ts',
  'src/engine/training/step/forward.test.ts',
  'src/engine/training/step/scheduled.test.ts',
  'src/engine/training/step/stepper.test.ts',
  'src/engine/training/step/augment-stepper.test.ts',
  'src/host/cli.test.ts',
  'src/host/server.test.ts',
  'src/main/ipc.test.ts',
];

export default defineConfig({
  test: {
    // The default report, then one line for each reason tests were skipped (no GPU, …).
    reporters: ['default', './scripts/skipped-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Threads start faster than processes; what needs a process of its own is integration.
          pool: 'threads',
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['src/renderer/**', ...INTEGRATION],
          environment: 'node',
        },
      },
      { extends: true, test: { name: 'integration', include: INTEGRATION, environment: 'node', pool: 'forks', testTimeout: 600_000 } },
      // The window's components and state, in jsdom with Svelte's browser build.
      {
        extends: true,
        plugins: [svelte({ configFile: false })],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'renderer',
          include: ['src/renderer/**/*.test.ts'],
          environment: 'jsdom',
          pool: 'threads',
          setupFiles: ['src/renderer/src/testing/setup.ts'],
        },
      },
    ],
  },
});
