import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { onWorkerFailure, spawnWorker, WORKER_HEAP_MB } from './workers.ts';

/** A folder holding `<name>.js` with `source`, and a base URL beside it as spawnWorker takes. */
function workerBeside(name: string, source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'worker-'));
  writeFileSync(join(dir, `${name}.js`), source);
  return pathToFileURL(join(dir, 'caller.js')).href;
}

const failureOf = (worker: ReturnType<typeof spawnWorker>, job: string) => new Promise<Error>((resolve) => onWorkerFailure(worker, job, resolve));

describe('worker threads', () => {
  it('start under a heap limit', async () => {
    const worker = spawnWorker('idle', null, workerBeside('idle', 'setTimeout(() => {}, 60_000);'));
    expect(worker.resourceLimits?.maxOldGenerationSizeMb).toBe(WORKER_HEAP_MB);
    await worker.terminate();
  });

  it('fail alone with a clear message when one runs out of memory', async () => {
    const hog = 'const kept = []; for (;;) kept.push({ a: [1, 2, 3], b: "x".repeat(64) + kept.length });';
    const worker = spawnWorker('hog', null, workerBeside('hog', hog), { maxOldGenerationSizeMb: 32 });
    const err = await failureOf(worker, 'training');
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('training ran out of memory; try a smaller model or batch size');
  });

  it('report a thrown error or an exit once, naming the job', async () => {
    const thrower = spawnWorker('thrower', null, workerBeside('thrower', 'throw new Error("disk on fire");'));
    expect((await failureOf(thrower, 'evaluation')).message).toBe('evaluation failed: disk on fire');
    const quitter = spawnWorker('quitter', null, workerBeside('quitter', 'process.exit(3);'));
    expect((await failureOf(quitter, 'evaluation')).message).toBe('evaluation stopped unexpectedly (its thread exited with code 3)');
  });
});
