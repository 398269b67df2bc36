import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../store/runs.ts';
import { defaultSpec } from '../../shared/spec.ts';
import { isResumable } from '../../shared/types.ts';
import { startTraining } from './trainer.ts';

const spec = { ...defaultSpec(), epochs: 3, batchSize: 100 };

describe('the training worker on a full disk', () => {
  it('fails the run with a message that says the disk is full, keeps its last checkpoint, and resumes from it', async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), 'runs-'));
    // The disk fills while epoch 2 is saved (the worker takes a copy of the environment when it starts).
    process.env.DIGIT_STUDIO_INJECT_ENOSPC = 'ckpt-0002';
    const failing = startTraining({ spec, trainLimit: 300, testLimit: 100, runsRoot }, () => undefined);
    delete process.env.DIGIT_STUDIO_INJECT_ENOSPC;
    await expect(failing.done).rejects.toThrow(/^\/.*: the disk is full$/);
    const store = new RunStore(runsRoot);
    const [run] = await store.list();
    expect(run).toMatchObject({ status: 'failed', epochsDone: 1, error: expect.stringMatching(/: the disk is full$/) });
    expect(isResumable(run)).toBe(true);
    await expect(store.loadModel(run.id)).resolves.toBeDefined();

    const resumed = await startTraining({ spec, trainLimit: 300, testLimit: 100, runsRoot, resumeId: run.id }, () => undefined).done;
    expect(resumed).toMatchObject({ id: run.id, status: 'done', epochsDone: 3 });
    expect(resumed.error).toBeUndefined();
    expect((await store.history(run.id)).epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
  });
});
