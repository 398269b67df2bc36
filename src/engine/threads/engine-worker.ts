// An engine thread: one Studio (the owner, or a lane) answering the shell's thread over its message port, so
// that everything the engine computes runs here and never on the thread that serves windows and sockets.
import { parentPort, workerData } from 'node:worker_threads';
import { messageOf } from '../../shared/message.ts';
import { logFailure } from '../log.ts';
import { surviveStrayErrors } from '../runtime/stray-errors.ts';
import { Studio } from '../studio.ts';
import type { EngineWorkerData, FromEngine, ToEngine } from './messages.ts';

const port = parentPort!;
const { options } = workerData as EngineWorkerData;
const post = (message: FromEngine) => port.postMessage(message);
// A stray failure in one request is logged; it never ends the thread (and a training run with it).
surviveStrayErrors((what, err) => logFailure(`${what} (the engine goes on)`, err));

/** Settle `work` as the reply to request `id`. */
function replyTo(id: number, work: Promise<unknown>): void {
  void work.then(
    (value) => post({ type: 'reply', id, reply: { ok: true, value } }),
    (err: unknown) => post({ type: 'reply', id, reply: { ok: false, error: messageOf(err) } }),
  );
}

type Invoke = Extract<ToEngine, { type: 'invoke' }>;
/**
 * Invokes received and not started, oldest first. One starts per turn of the event loop, and messages are
 * delivered between turns, so a cancel sent while this thread computed is seen before what it cancels starts.
 */
const waiting: Invoke[] = [];

function startNext(studio: Studio): void {
  const message = waiting.shift();
  if (!message) return;
  if (waiting.length > 0) setImmediate(() => startNext(studio));
  // The Studio's answer is already a reply: validation and refusals happen in dispatch.
  void studio.answer(message.channel, message.payload).then((reply) => post({ type: 'reply', id: message.id, reply }));
}

function serve(studio: Studio, message: ToEngine): void {
  switch (message.type) {
    case 'invoke':
      if (waiting.push(message) === 1) setImmediate(() => startNext(studio));
      return;
    case 'cancel': {
      const at = waiting.findIndex((w) => w.id === message.id);
      if (at >= 0) waiting.splice(at, 1);
      return;
    }
    case 'folder':
      return replyTo(message.id, studio[message.job](message.dir));
    case 'follow':
      return replyTo(message.id, studio.follow(message.modelId));
    case 'close':
      return replyTo(message.id, studio.close());
  }
}

Studio.open(options).then(
  (studio) => {
    studio.onEvent((channel, payload) => post({ type: 'event', channel, payload }));
    port.on('message', (message: ToEngine) => serve(studio, message));
    post({ type: 'ready' });
  },
  (err: unknown) => post({ type: 'failed', message: messageOf(err) }),
);
