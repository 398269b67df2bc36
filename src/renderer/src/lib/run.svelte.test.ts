// The current run's one owner (issue 26, item 4): every start goes through RunState.launch.
import { describe, expect, it, vi } from 'vitest';
import { RunState } from './run.svelte';
import { StudioState } from './studio.svelte';
import { fakeEngine } from '../testing/fake-api';

describe('starting a run', () => {
  it('launch follows the run the engine names, and a refusal leaves nothing training and reaches the asker', async () => {
    const run = new RunState();
    await run.launch(async () => 'run-1');
    expect([run.running, run.id]).toEqual([true, 'run-1']);
    const refused = new RunState();
    await expect(refused.launch(() => Promise.reject(new Error('training:start: the engine is busy')))).rejects.toThrow(/busy/);
    expect([refused.running, refused.id]).toEqual([false, null]);
  });

  it('a run and a queue of variants both start through launch', async () => {
    const api = fakeEngine();
    api.handle('runs:list', () => []);
    api.handle('training:start', () => ({ runId: 'new-run' }));
    api.handle('training:queue', () => ({ runIds: [] }) as never);
    const studio = new StudioState(api, () => true);
    await studio.load();
    const launch = vi.spyOn(studio.run, 'launch');
    await studio.start();
    expect(launch).toHaveBeenCalledTimes(1);
    expect(studio.runId).toBe('new-run');
    studio.run.ended('done');
    await studio.queue.start();
    expect(api.count('training:queue')).toBe(1);
    expect(launch).toHaveBeenCalledTimes(2);
  });
});
