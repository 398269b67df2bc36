// The active model's nearest-digits index: a build for a model no longer active is cancelled, not left running.
import { describe, expect, it } from 'vitest';
import { ActiveIndex, buildIndexInWorker, STALE_INDEX } from './neighbours-index.ts';
import { NeighbourIndex } from './neighbours.ts';

const train = { count: 1, pixels: new Uint8Array(784), labels: new Uint8Array(1) };

/** A stand-in build that never finishes by itself and records each build's signal. */
function pendingBuilds() {
  const builds: { dir: string; signal?: AbortSignal }[] = [];
  const build: typeof buildIndexInWorker = (dir, _train, signal) => {
    builds.push({ dir, signal });
    return new Promise<NeighbourIndex>((_resolve, reject) => signal?.addEventListener('abort', () => reject(new Error(STALE_INDEX))));
  };
  return { builds, build };
}

describe('the active index', () => {
  it('cancels the build of a model switched away from, on every switch', async () => {
    const { builds, build } = pendingBuilds();
    const active = new ActiveIndex(train, build);
    const asked = [];
    for (const dir of ['a', 'b', 'c', 'd']) asked.push(active.of(dir).catch((err: Error) => err.message));
    expect(builds.map((b) => [b.dir, b.signal?.aborted])).toEqual([
      ['a', true],
      ['b', true],
      ['c', true],
      ['d', false],
    ]);
    expect((await Promise.all(asked.slice(0, 3))).every((m) => m === STALE_INDEX)).toBe(true);
    // Asking again about the model being built shares its build; dropping it (a switch) cancels it too.
    void active.of('d');
    expect(builds).toHaveLength(4);
    active.drop();
    expect(builds[3].signal?.aborted).toBe(true);
    expect(await asked[3]).toBe(STALE_INDEX);
  });

  it('a build whose signal is already aborted starts no thread', async () => {
    await expect(buildIndexInWorker('/nowhere', train, AbortSignal.abort())).rejects.toThrow(STALE_INDEX);
  });
});
