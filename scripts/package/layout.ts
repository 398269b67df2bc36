// Checks a packaged app's resources folder: every file the app reads at run time is where it will look.
// Electron's main thread reads through app.asar; worker threads, the OS loader (tfjs-node) and the paths the
// engine maps with unpackedPath need real files in app.asar.unpacked.
import { extractFile, getRawHeader } from '@electron/asar';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix } from 'node:path';
import { MNIST_FILES, WASM_BINARIES } from './runtime-files.ts';

interface Entry {
  unpacked: boolean;
}
interface HeaderNode {
  files?: Record<string, HeaderNode>;
  unpacked?: boolean;
  link?: string;
}

/** Every file in an asar archive, by its path inside it, and whether it is unpacked. */
export function listArchive(archive: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  const walk = (node: HeaderNode, prefix: string) => {
    for (const [name, child] of Object.entries(node.files ?? {})) {
      const path = prefix ? `${prefix}/${name}` : name;
      if (child.files) walk(child, path);
      else entries.set(path, { unpacked: child.unpacked === true });
    }
  };
  walk(getRawHeader(archive).header as HeaderNode, '');
  return entries;
}

const MODEL_FILES = ['model.json', 'weights.bin', 'manifest.json'];
// tfjs-node is optional (it cannot install everywhere); when a build includes it, all of it is unpacked.
const OPTIONAL_PACKAGES = new Set(['electron', '@tensorflow/tfjs-node']);
/** Dependencies that nothing loads at run time: webgpu's types and its build scripts' logger (left out of the package). */
const NEVER_LOADED = new Set(['@webgpu/types', 'debug']);
/** Packages the engine loads with require() at run time (src/engine/runtime/webgpu.ts), which no import shows. */
const REQUIRED_AT_RUN_TIME = ['webgpu'];
/** Dawn for Node's binary, one per platform (the `webgpu` package ships them all). */
export const DAWN_PLATFORMS = ['linux-x64', 'linux-arm64', 'darwin-universal', 'win32-x64', 'win32-arm64'];
export const dawnNode = (platform: string) => `node_modules/webgpu/dist/${platform}/dawn.node`;

/** The package a bare import names (`@scope/name` or `name`), or null for builtins and relative paths. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]))
    return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Where Node would find `name` from `dir` (both inside the archive), or null. */
function resolvePackage(files: Map<string, Entry>, dir: string, name: string): string | null {
  for (let at = dir; ; at = posix.dirname(at)) {
    const candidate = at === '.' || at === '' ? `node_modules/${name}` : `${at}/node_modules/${name}`;
    if (files.has(`${candidate}/package.json`)) return candidate;
    if (at === '.' || at === '') return null;
  }
}

/**
 * What is wrong with the layout in `resources` (app.asar, app.asar.unpacked, model/) of an app packaged for
 * `platform` (one of DAWN_PLATFORMS); empty when all is well.
 */
export function checkLayout(resources: string, platform = 'linux-x64'): string[] {
  const archive = join(resources, 'app.asar');
  if (!existsSync(archive)) return [`${archive}: missing`];
  const files = listArchive(archive);
  const problems: string[] = [];
  // A file's text, from whichever side holds it; '' when it is missing there (reported below).
  const text = (path: string) => {
    if (!files.get(path)?.unpacked) return files.has(path) ? extractFile(archive, path).toString('utf8') : '';
    const real = join(`${archive}.unpacked`, path);
    return existsSync(real) ? readFileSync(real, 'utf8') : '';
  };
  const mustUnpack = (path: string, why: string) => {
    if (!files.has(path)) problems.push(`${path}: missing (${why})`);
    else if (!files.get(path)!.unpacked) problems.push(`${path}: inside app.asar, must be unpacked (${why})`);
  };

  // Files marked unpacked must really be there.
  for (const [path, entry] of files) {
    if (entry.unpacked && !existsSync(join(`${archive}.unpacked`, path))) problems.push(`${path}: marked unpacked but absent from app.asar.unpacked`);
  }

  // The window: page and preload are read through the asar.
  for (const path of ['package.json', 'out/renderer/index.html', 'out/preload/index.cjs']) if (!files.has(path)) problems.push(`${path}: missing`);
  if (!files.has('package.json')) return problems;
  const pkg = JSON.parse(text('package.json') || '{}') as { main?: string; type?: string };
  const main = posix.normalize(pkg.main ?? 'index.js');
  if (!files.has(main)) problems.push(`${main}: missing (package.json's main)`);
  // A worker's .js files are ES modules only because of the package.json above them, on the unpacked side too.
  if (pkg.type === 'module') mustUnpack('package.json', 'it makes the unpacked main bundle ES modules');

  // The main bundle: every file unpacked, every worker it starts present, every package it imports unpacked.
  const bundle = [...files.keys()].filter((path) => path.startsWith('out/main/') && path.endsWith('.js'));
  if (bundle.length === 0) problems.push('out/main: no main bundle');
  const workers = new Set<string>();
  const imports = new Set<string>();
  for (const path of bundle) {
    mustUnpack(path, 'worker threads load the main bundle with Node’s own loader');
    const source = text(path);
    for (const [, name] of source.matchAll(/spawnWorker\(\s*["']([\w-]+)["']/g)) workers.add(name);
    // Static and side-effect import statements (at a line's start: not a comment's "from 'NHWC'") and dynamic
    // imports; not a string that merely ends in import, such as a channel 'model:import'.
    const statements = /^\s*(?:import|export)\b(?:[^'";]*?\bfrom)?\s*["']([^"'./\s][^"'\s]*)["']/gm;
    const dynamic = /(?<![\w$.:-])import\s*\(\s*["']([^"'./\s][^"'\s]*)["']/g;
    for (const [, spec] of [...source.matchAll(statements), ...source.matchAll(dynamic)]) {
      const name = packageOf(spec);
      if (name) imports.add(name);
    }
  }
  if (bundle.length > 0 && workers.size === 0) problems.push('out/main: no spawnWorker call found (were the workers dropped?)');
  for (const name of workers) mustUnpack(`out/main/${name}.js`, `worker entry started by spawnWorker('${name}')`);
  for (const name of REQUIRED_AT_RUN_TIME) imports.add(name);

  // Packages: those the bundle imports, and everything they depend on, resolved as Node would and unpacked.
  const queue = [...imports].map((name) => ({ name, from: 'out/main', optional: OPTIONAL_PACKAGES.has(name) }));
  const seen = new Set<string>();
  while (queue.length > 0) {
    const { name, from, optional } = queue.shift()!;
    const dir = resolvePackage(files, from, name);
    if (!dir) {
      if (!optional) problems.push(`${name}: imported from ${from} but not in the app`);
      continue;
    }
    if (seen.has(dir)) continue;
    seen.add(dir);
    mustUnpack(`${dir}/package.json`, `${name} is loaded from a worker thread`);
    const manifest = JSON.parse(text(`${dir}/package.json`) || '{}') as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(manifest.dependencies ?? {})) if (!NEVER_LOADED.has(dep)) queue.push({ name: dep, from: dir, optional: false });
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) queue.push({ name: dep, from: dir, optional: true });
  }

  // What the engine reads by path (mapped with unpackedPath) and what the OS loads: real files.
  for (const name of WASM_BINARIES) mustUnpack(`out/main/${name}`, 'tfjs-wasm reads it with plain fs, also in worker threads');
  for (const name of MNIST_FILES) mustUnpack(`out/main/mnist/${name}.gz`, 'the bundled MNIST, read by worker threads');
  for (const path of files.keys())
    if (path.startsWith('node_modules/@tensorflow/tfjs-node/')) mustUnpack(path, 'tfjs-node’s binding and libtensorflow are loaded by the OS');
  mustUnpack(dawnNode(platform), 'WebGPU’s Dawn binary is loaded by the OS');
  for (const other of DAWN_PLATFORMS)
    if (other !== platform && files.has(dawnNode(other))) problems.push(`${dawnNode(other)}: another platform's Dawn binary, never loaded here`);
  for (const path of files.keys()) if (path.endsWith('.map')) problems.push(`${path}: a source map, never read at run time`);
  mustUnpack('node_modules/webgpu/index.js', 'the webgpu package is loaded by training threads');
  // What Node runs of each tfjs package a worker loads: its main file.
  for (const dir of seen) {
    const main = (JSON.parse(text(`${dir}/package.json`) || '{}') as { main?: string }).main;
    if (dir.includes('@tensorflow/tfjs') && main) mustUnpack(posix.normalize(`${dir}/${main}`), `${dir}'s main, loaded by worker threads`);
  }

  // The bundled models are extra resources beside the asar.
  for (const [dir, what] of [
    ['model', 'the bundled model'],
    ['reading-model', 'the bundled reading model'],
  ])
    for (const name of MODEL_FILES) if (!existsSync(join(resources, dir, name))) problems.push(`${dir}/${name}: missing from resources (${what})`);
  return problems;
}
