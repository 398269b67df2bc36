// A real training process killed with SIGKILL part-way through an epoch keeps every finished epoch's weights.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RunStore } from './runs.ts';
import { readModel } from '../model/model-io.ts';
import { initBackend } from '../runtime/backend.ts';

const CLI = fileURLToPath(new URL('../../cli/index.ts', import.meta.url));
const SPEC = {
  conv: [{ filters: 4, kernelSize: 5, padding: 'same', pool: 'max', poolSize: 2, poolStride: 2 }],
  dense: [16],
  epochs: 6,
  batchSize: 50,
};

describe("a run's kept epochs", () => {
  it("survive a kill in the middle of an epoch: every finished epoch's weights are there and load", async () => {
    const work = mkdtempSync(join(tmpdir(), 'epochs-kill-'));
    writeFileSync(join(work, 'spec.json'), JSON.stringify(SPEC));
    const out = join(work, 'runs');
    const child = spawn(process.execPath, [
      '--import',
      'tsx',
      CLI,
      'train',
      '--spec',
      join(work, 'spec.json'),
      '--train-limit',
      '2000',
      '--test-limit',
      '100',
      '--out',
      out,
      '--json',
    ]);
    let reported = 0;
    const exit = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    // Killed once two epochs were reported (each after its checkpoint), somewhere in the third or a later one:
    // whichever epoch the kill lands in, the assertions below hold.
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        for (const line of chunk.split('\n').filter((l) => l.startsWith('{'))) {
          const event = JSON.parse(line);
          if (event.event === 'epoch') reported++;
        }
        if (reported >= 2) setTimeout(resolve, 300);
      });
      void exit.then(resolve);
    });
    child.kill('SIGKILL');
    await exit;
    expect(reported).toBeGreaterThanOrEqual(2);
    const store = new RunStore(out);
    await store.recover();
    const [run] = await store.list();
    if (!run || run.status === 'unreadable') throw new Error(`no readable run: ${JSON.stringify(run)}`);
    expect(run.status === 'stopped' || run.status === 'done').toBe(true);
    expect(run.epochsDone).toBeGreaterThanOrEqual(reported);
    const kept = await store.keptEpochs(run.id);
    expect(kept).toEqual(Array.from({ length: run.epochsDone }, (_, i) => i + 1));
    await initBackend({ want: 'wasm' });
    for (const epoch of kept) await expect(readModel(store.epochDir(run.id, epoch))).resolves.toBeDefined();
  }, 300_000);
});
