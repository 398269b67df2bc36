// Worker threads that run from the build and from source alike, each under a heap limit so that a runaway
// worker fails alone, and a way to hear of a worker's death as one clear error.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import { unpackedPath } from './asar.ts';
import { errnoOf, UserError } from '../errors.ts';

/**
 * The JavaScript heap a worker may use. Pixels and tensors live outside it (array buffers and the wasm
 * memory, which the spec's cost limits bound), so this is far above what any worker needs.
 */
export const WORKER_HEAP_MB = 1024;

/**
 * Start the worker `<name>` that sits beside the module at `base` (the caller's import.meta.url): the
 * bundled `<name>.js` in a build (every entry and chunk lands in one folder), or from source the `.ts`
 * through tsx's loader, registered inside the worker (Node 20 applies no `--import` hooks to a worker's entry).
 * Packaged, the entry is taken from app.asar.unpacked: a worker's module loader reads real files only.
 */
export function spawnWorker(
  name: string,
  workerData: unknown,
  base: string,
  limits: ResourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB },
): Worker {
  const built = fileURLToPath(new URL(`./${name}.js`, base));
  const js = unpackedPath(built);
  if (existsSync(js)) return new Worker(js, { workerData, resourceLimits: limits });
  if (js !== built) throw new Error(`${js}: worker entry missing from the packaged app`);
  const ts = new URL(`./${name}.ts`, base).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(ts)}); })`;
  return new Worker(boot, { eval: true, workerData, resourceLimits: limits });
}

/** The error a worker threw, as one message about `job` (such as "training"); running out of memory is the user's to fix. */
export function explainWorkerError(err: Error, job: string): Error {
  if (errnoOf(err) === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new UserError(`${job} ran out of memory; try a smaller model or batch size`);
  }
  return new Error(`${job} failed: ${err.message}`);
}

/**
 * Call `onFailure` once if the worker throws, runs out of memory or exits; the caller ignores it once its
 * own work has settled (an exit after `terminate()` reports too).
 */
export function onWorkerFailure(worker: Worker, job: string, onFailure: (err: Error) => void): void {
  let reported = false;
  const report = (err: Error) => {
    if (reported) return;
    reported = true;
    onFailure(err);
  };
  worker.on('error', (err) => report(explainWorkerError(err, job)));
  worker.on('exit', (code) => report(new Error(`${job} stopped unexpectedly (its thread exited with code ${code})`)));
}
