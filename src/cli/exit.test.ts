// Finding 14: the command line exits only once what it printed has left the process.
import { describe, expect, it } from 'vitest';
import { exitFlushed, type Flushable } from './exit.ts';

/** A stream whose writes complete only when `release` is called, as a pipe with a slow reader does. */
function slowStream(): Flushable & { release(): void; pending: number } {
  const callbacks: (() => void)[] = [];
  return {
    write: (_chunk, callback) => (callbacks.push(() => callback()), false),
    release: () => callbacks.splice(0).forEach((callback) => callback()),
    get pending() {
      return callbacks.length;
    },
  };
}

describe('exitFlushed', () => {
  it('exits only once stdout and stderr have drained', async () => {
    const [stdout, stderr] = [slowStream(), slowStream()];
    const exits: number[] = [];
    const exiting = exitFlushed(2, [stdout, stderr], (code) => exits.push(code));
    await Promise.resolve();
    expect(exits).toEqual([]);
    stdout.release();
    await Promise.resolve();
    expect(exits).toEqual([]);
    stderr.release();
    await exiting;
    expect(exits).toEqual([2]);
  });

  it('does not wait on a stream already closed', async () => {
    const exits: number[] = [];
    await exitFlushed(0, [{ destroyed: true, write: () => true }], (code) => exits.push(code));
    expect(exits).toEqual([0]);
  });
});
