// Newest input wins (issue 26, item 2): one request in flight, a newer input cancels it and waits, and only the
// newest input's reply counts.
import { describe, expect, it } from 'vitest';
import { Newest } from './newest';
import { held, type Held } from '../testing/fake-api';

/** An engine that answers when the test says, and (like browser mode) rejects a cancelled request at once. */
function engine(honoursCancel: boolean) {
  const asked: { input: number; signal: AbortSignal; reply: Held<string> }[] = [];
  const shown: string[] = [];
  const newest = new Newest<number>(async (input, { signal, isCurrent }) => {
    const reply = held<string>();
    asked.push({ input, signal, reply });
    if (honoursCancel) signal.addEventListener('abort', () => reply.reject(new Error('cancelled')));
    const answer = await reply.promise.catch(() => null);
    if (answer && isCurrent()) shown.push(answer);
  });
  return { newest, asked, shown };
}

describe('Newest', () => {
  it('a newer input cancels the request in flight and is asked at once; the ones between are never asked', async () => {
    const { newest, asked, shown } = engine(true);
    const runs = [1, 2, 3, 4].map((input) => newest.run(input));
    await expect.poll(() => asked.map((a) => a.input)).toEqual([1, 4]);
    expect(asked[0].signal.aborted).toBe(true);
    asked[1].reply.resolve('four');
    await Promise.all(runs);
    expect(shown).toEqual(['four']);
  });

  it('where the transport cannot cancel, one request stays in flight and its stale reply is dropped', async () => {
    const { newest, asked, shown } = engine(false);
    const runs = [1, 2, 3].map((input) => newest.run(input));
    expect(asked.map((a) => a.input)).toEqual([1]);
    asked[0].reply.resolve('one');
    await expect.poll(() => asked.map((a) => a.input)).toEqual([1, 3]);
    asked[1].reply.resolve('three');
    await Promise.all(runs);
    expect(shown).toEqual(['three']);
  });

  it('drop forgets what waits and cancels what is in flight', async () => {
    const { newest, asked, shown } = engine(false);
    const first = newest.run(1);
    void newest.run(2);
    newest.drop();
    expect(asked[0].signal.aborted).toBe(true);
    asked[0].reply.resolve('one');
    await first;
    expect(asked).toHaveLength(1);
    expect(shown).toEqual([]);
  });
});
