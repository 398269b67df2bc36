// Worker threads that run from the build and from source alike.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { unpackedPath } from './asar.ts';

/**
 * Start the worker `<name>` that sits beside the module at `base` (the caller's import.meta.url): the
 * bundled `<name>.js` in a build (every entry and chunk lands in one folder), or from source the `.ts`
 * through tsx's loader, registered inside the worker (Node 20 applies no `--import` hooks to a worker's entry).
 * Packaged, the entry is taken from app.asar.unpacked: a worker's module loader reads real files only.
 */
export function spawnWorker(name: string, workerData: unknown, base: string): Worker {
  const built = fileURLToPath(new URL(`./${name}.js`, base));
  const js = unpackedPath(built);
  if (existsSync(js)) return new Worker(js, { workerData });
  if (js !== built) throw new Error(`${js}: worker entry missing from the packaged app`);
  const ts = new URL(`./${name}.ts`, base).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(ts)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
