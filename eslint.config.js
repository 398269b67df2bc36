import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

export default ts.config(
  { ignores: ['out/', 'dist/', 'node_modules/', 'test-results/', 'e2e-artifacts/', 'playwright-report/', 'wasm/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  { languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  { files: ['**/*.svelte', '**/*.svelte.ts'], languageOptions: { parserOptions: { parser: ts.parser } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Only the two IPC files may touch Electron's IPC objects.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['ipcMain', 'ipcRenderer'],
              message: 'Use the typed contract: only src/main/ipc.ts and src/preload/index.ts touch IPC.',
            },
          ],
        },
      ],
    },
  },
  { files: ['src/main/ipc.ts', 'src/preload/index.ts'], rules: { 'no-restricted-imports': 'off' } },
  // The engine runs in plain Node: it never imports Electron.
  {
    files: ['src/engine/**', 'src/cli/**', 'src/host/**', 'src/shared/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The engine, CLI, host and contract never import Electron.' }] }],
    },
  },
  // The window and the contract are built for the browser: they never reach into the engine (plain Node).
  {
    files: ['src/renderer/**', 'src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer and the contract never import Electron.' }],
          patterns: [{ group: ['**/engine/**', '**/engine'], message: 'Shared code lives in src/shared; the engine is plain Node.' }],
        },
      ],
    },
  },
);
