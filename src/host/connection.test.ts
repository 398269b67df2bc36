// Issue 19, finding 4: a reply too large to send (or to serialise) is answered with an error, never dropped.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../engine/dispatch.ts';
import type { Engine } from '../engine/engine.ts';
import type { Studio } from '../engine/studio.ts';
import { Connection, MAX_REPLY_BYTES } from './connection.ts';

/** A socket that keeps what is sent to it. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  send(text: string) {
    this.sent.push(text);
  }
  terminate() {
    this.readyState = 3;
  }
}

/** An engine whose app:info answers `value`, through the real dispatch. */
const studioAnswering = (value: () => unknown) => {
  const studio = { handlers: { 'app:info': async () => value() } } as unknown as Studio;
  return { answer: (channel: unknown, payload: unknown) => dispatch(studio, channel, payload) } as unknown as Engine;
};

async function ask(value: () => unknown): Promise<FakeSocket> {
  const ws = new FakeSocket();
  new Connection(ws as never, studioAnswering(value), () => undefined);
  ws.emit('message', Buffer.from(JSON.stringify({ id: 7, channel: 'app:info' })), false);
  while (ws.sent.length === 0) await new Promise((resolve) => setImmediate(resolve));
  return ws;
}

describe('replies', () => {
  it(`answers a reply over ${MAX_REPLY_BYTES / 1024 ** 2} MB with an error naming the channel, and keeps the socket`, async () => {
    const ws = await ask(() => ({ huge: 'x'.repeat(MAX_REPLY_BYTES + 1) }));
    expect(JSON.parse(ws.sent[0])).toEqual({ id: 7, ok: false, error: "app:info: the reply is 17 MB, over browser mode's 16 MB limit" });
    expect(ws.readyState).toBe(ws.OPEN);
  });

  it('answers a reply that cannot be serialised with an error', async () => {
    const ws = await ask(() => ({ big: 10n }));
    expect(JSON.parse(ws.sent[0])).toEqual({ id: 7, ok: false, error: 'app:info: the reply could not be sent (it cannot be serialised)' });
  });
});

describe('cancelling', () => {
  it('a {cancel: id} message calls off that request in the engine; its reply says so and frees its place', async () => {
    const ws = new FakeSocket();
    const signals: AbortSignal[] = [];
    const engine = {
      answer: (_channel: unknown, _payload: unknown, signal: AbortSignal) =>
        new Promise((resolve) => {
          signals.push(signal);
          signal.addEventListener('abort', () => resolve({ ok: false, error: 'cancelled: a newer request replaced it' }));
        }),
    } as unknown as Engine;
    const connection = new Connection(ws as never, engine, () => undefined);
    const send = (message: unknown) => ws.emit('message', Buffer.from(JSON.stringify(message)), false);
    send({ id: 3, channel: 'model:explain', payload: {} });
    send({ id: 4, channel: 'model:explain', payload: {} });
    expect(connection.inFlight).toBe(2);
    send({ cancel: 3 });
    while (ws.sent.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(signals.map((s) => s.aborted)).toEqual([true, false]);
    expect(ws.sent.map((text) => JSON.parse(text))).toEqual([{ id: 3, ok: false, error: 'cancelled: a newer request replaced it' }]);
    expect(connection.inFlight).toBe(1);
    // Cancelling what is not in flight changes nothing; a malformed cancel is refused like any malformed message.
    send({ cancel: 3 });
    send({ cancel: -1 });
    while (ws.sent.length < 2) await new Promise((resolve) => setImmediate(resolve));
    expect(JSON.parse(ws.sent[1])).toEqual({ id: null, ok: false, error: 'malformed message: expected {id, channel, payload}' });
    expect(signals[1].aborted).toBe(false);
  });
});
