// The packaging check itself, on small layouts built with @electron/asar: a good one passes, and each
// doctored one (wasm or tfjs-node left in the asar, a worker entry missing, a dependency packed…) fails
// with a message naming the file; and the smoke run's simulated folder.
import { createPackageWithOptions } from '@electron/asar';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkLayout, dawnNode } from './layout.ts';
import { MNIST_FILES, WASM_BINARIES } from './runtime-files.ts';
import { simulateResources } from './simulate.ts';

const json = (value: object) => JSON.stringify(value);
const APP: Record<string, string> = {
  'package.json': json({ name: 'digit-studio', main: './out/main/index.js', type: 'module' }),
  'out/main/index.js': 'import { z } from "zod";\nimport "./workers-abc.js";\nimport { app } from "electron";',
  'out/main/workers-abc.js':
    'import { Worker } from "node:worker_threads";\nspawnWorker("train-worker", {}, import.meta.url);\n/* dataFormat from \'NHWC\' */',
  'out/main/train-worker.js': 'import { z } from "zod";',
  ...Object.fromEntries(WASM_BINARIES.map((name) => [`out/main/${name}`, 'wasm'])),
  ...Object.fromEntries(MNIST_FILES.map((name) => [`out/main/mnist/${name}.gz`, 'idx'])),
  'out/renderer/index.html': '<!doctype html>',
  'out/preload/index.cjs': '',
  'node_modules/zod/package.json': json({ name: 'zod', dependencies: { seedrandom: '3' } }),
  'node_modules/seedrandom/package.json': json({ name: 'seedrandom' }),
  'node_modules/webgpu/package.json': json({ name: 'webgpu', main: 'index.js' }),
  'node_modules/webgpu/index.js': '',
  [dawnNode('linux-x64')]: 'dawn',
};

/** Pack `files` the way electron-builder would, unpacking `unpackDir` (a glob of folders) and package.json. */
async function layout(files: Record<string, string>, unpackDir = '{out/main,node_modules}', withModel = true): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'layout-'));
  const app = join(root, 'app');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(app, path)), { recursive: true });
    writeFileSync(join(app, path), content);
  }
  const resources = join(root, 'resources');
  for (const dir of ['model', 'reading-model']) {
    mkdirSync(join(resources, dir), { recursive: true });
    if (withModel) for (const name of ['model.json', 'weights.bin', 'manifest.json']) writeFileSync(join(resources, dir, name), '{}');
  }
  // The app's own package.json only (a bare 'package.json' would match every package's).
  await createPackageWithOptions(app, join(resources, 'app.asar'), { unpack: join(app, 'package.json'), unpackDir });
  return resources;
}

const without = (path: string) => Object.fromEntries(Object.entries(APP).filter(([p]) => p !== path));

describe('the packaged layout check', () => {
  it('passes a layout with the main bundle and the packages it loads unpacked', async () => {
    expect(checkLayout(await layout(APP))).toEqual([]);
  });

  it('takes only real imports for imports: a channel named like model:import is none', async () => {
    const bundle = `const schemas = { 'model:import': z.object({ files: [] }), "digits:import": z.object({}), 'runs:import' : 1 };`;
    expect(checkLayout(await layout({ ...APP, 'out/main/contract.js': bundle }))).toEqual([]);
  });

  it('fails when the wasm binaries are left inside the asar, or missing', async () => {
    // The whole main bundle packed: the wasm binary is among what must be unpacked.
    const problems = checkLayout(await layout(without('out/main/tfjs-backend-wasm.wasm'), 'node_modules'));
    expect(problems).toContain('out/main/tfjs-backend-wasm.wasm: missing (tfjs-wasm reads it with plain fs, also in worker threads)');
    expect(problems).toContain(
      'out/main/tfjs-backend-wasm-simd.wasm: inside app.asar, must be unpacked (tfjs-wasm reads it with plain fs, also in worker threads)',
    );
  });

  it('fails when dawn.node stays in the asar, and when another platform’s is carried', async () => {
    const files = { ...APP, [dawnNode('win32-x64')]: 'dawn' };
    const resources = await layout(files, '{out/main,node_modules/zod,node_modules/seedrandom,node_modules/webgpu/dist/win32-x64}');
    expect(checkLayout(resources)).toEqual([
      'node_modules/webgpu/package.json: inside app.asar, must be unpacked (webgpu is loaded from a worker thread)',
      `${dawnNode('linux-x64')}: inside app.asar, must be unpacked (WebGPU’s Dawn binary is loaded by the OS)`,
      `${dawnNode('win32-x64')}: another platform's Dawn binary, never loaded here`,
      'node_modules/webgpu/index.js: inside app.asar, must be unpacked (the webgpu package is loaded by training threads)',
    ]);
  });

  it('fails when a source map is carried', async () => {
    expect(checkLayout(await layout({ ...APP, 'out/main/index.js.map': '{}' }))).toEqual([
      'out/main/index.js.map: a source map, never read at run time',
    ]);
  });

  it('fails when tfjs-node is left inside the asar', async () => {
    const files = { ...APP, 'node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node': 'elf' };
    const resources = await layout(files, '{out/main,node_modules/seedrandom,node_modules/zod,node_modules/webgpu}');
    expect(checkLayout(resources)).toEqual([
      'node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node: inside app.asar, must be unpacked (tfjs-node’s binding and libtensorflow are loaded by the OS)',
    ]);
  });

  it('fails when a worker entry is missing', async () => {
    expect(checkLayout(await layout(without('out/main/train-worker.js')))).toEqual([
      "out/main/train-worker.js: missing (worker entry started by spawnWorker('train-worker'))",
    ]);
  });

  it('fails when the main bundle stays in the asar', async () => {
    const problems = checkLayout(await layout(APP, 'node_modules'));
    expect(problems).toContain(
      'out/main/train-worker.js: inside app.asar, must be unpacked (worker threads load the main bundle with Node’s own loader)',
    );
  });

  it('fails when a package a worker needs, or a dependency of one, stays in the asar', async () => {
    const resources = await layout(APP, '{out/main,node_modules/zod,node_modules/webgpu}');
    expect(checkLayout(resources)).toEqual([
      'node_modules/seedrandom/package.json: inside app.asar, must be unpacked (seedrandom is loaded from a worker thread)',
    ]);
  });

  it('fails when the MNIST files, the bundled model or a file marked unpacked are missing', async () => {
    const resources = await layout(without('out/main/mnist/t10k-images-idx3-ubyte.gz'), undefined, false);
    rmSync(join(resources, 'app.asar.unpacked', 'node_modules/zod/package.json'));
    expect(checkLayout(resources)).toEqual([
      'node_modules/zod/package.json: marked unpacked but absent from app.asar.unpacked',
      'out/main/mnist/t10k-images-idx3-ubyte.gz: missing (the bundled MNIST, read by worker threads)',
      'model/model.json: missing from resources (the bundled model)',
      'model/weights.bin: missing from resources (the bundled model)',
      'model/manifest.json: missing from resources (the bundled model)',
      'reading-model/model.json: missing from resources (the bundled reading model)',
      'reading-model/weights.bin: missing from resources (the bundled reading model)',
      'reading-model/manifest.json: missing from resources (the bundled reading model)',
    ]);
  });
});

describe('the simulated resources folder for the smoke run', () => {
  it('shows the main thread every file and workers only the unpacked ones', async () => {
    const resources = await layout(APP, '{out/main,node_modules}');
    const target = join(mkdtempSync(join(tmpdir(), 'simulate-')), 'app');
    const simulated = simulateResources(resources, target);
    expect(existsSync(join(simulated, 'app.asar', 'out/renderer/index.html'))).toBe(true);
    expect(existsSync(join(simulated, 'app.asar', 'out/main/train-worker.js'))).toBe(true);
    expect(existsSync(join(simulated, 'app.asar.unpacked', 'out/main/train-worker.js'))).toBe(true);
    expect(existsSync(join(simulated, 'app.asar.unpacked', 'out/renderer/index.html'))).toBe(false);
    expect(existsSync(join(target, 'node_modules/electron/index.js'))).toBe(true);
  });

  it('refuses a place under a node_modules-holding folder, where Node would find what the package lacks', async () => {
    const resources = await layout(APP);
    const inProject = fileURLToPath(new URL('../../dist/.simulate-test', import.meta.url));
    expect(() => simulateResources(resources, inProject)).toThrow(/node_modules is above it; the smoke run needs a folder outside any project$/);
  });
});
