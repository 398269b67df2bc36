// One engine thread under supervision: requests wait for it to be ready, each is answered once, and a thread
// that dies answers what it held with a one-line error and is started again.
import type { Worker } from 'node:worker_threads';
import type { Reply } from '../../shared/contract.ts';
import { messageOf } from '../../shared/message.ts';
import { explainWorkerError } from '../runtime/workers.ts';
import type { EngineWorkerData, FromEngine, ToEngine } from './messages.ts';

/** Start one engine thread (the real one runs engine-worker.ts; a test may wrap it to kill it). */
export type SpawnEngine = (data: EngineWorkerData) => Worker;

/** Who hears what a thread does besides answering. */
export interface ThreadHooks {
  event(message: Extract<FromEngine, { type: 'event' }>): void;
  /** The thread died; `message` says so in the person's words. It is being started again. */
  stopped(message: string): void;
  /** The thread started again after dying. */
  restarted(): void;
}

type Request = ToEngine extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never;

/** The reply to a request its asker cancelled. */
export const CANCELLED: Reply<never> = { ok: false, error: 'cancelled: a newer request replaced it' };

/** One supervised engine thread. */
export class EngineThread {
  private worker!: Worker;
  private ready!: Promise<void>;
  private readonly pending = new Map<number, (reply: Reply<unknown>) => void>();
  private nextId = 1;
  private closing = false;

  constructor(
    private readonly name: string,
    private readonly data: EngineWorkerData,
    private readonly spawn: SpawnEngine,
    private readonly hooks: ThreadHooks,
  ) {
    this.start();
  }

  /** Resolves once the thread's Studio is open; rejects with the reason it could not open. */
  get started(): Promise<void> {
    return this.ready;
  }

  /**
   * Send a request and wait for its reply; never throws. Aborting `signal` answers it as cancelled at once and
   * tells the thread, which drops it unless it has started.
   */
  async request(request: Exclude<Request, { type: 'cancel' }>, signal?: AbortSignal): Promise<Reply<unknown>> {
    try {
      await this.ready;
    } catch (err) {
      return { ok: false, error: messageOf(err) };
    }
    if (signal?.aborted) return CANCELLED;
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ ...request, id } as ToEngine);
      signal?.addEventListener(
        'abort',
        () => {
          if (!this.pending.has(id)) return;
          this.settle(id, CANCELLED);
          this.worker.postMessage({ type: 'cancel', id } satisfies ToEngine);
        },
        { once: true },
      );
    });
  }

  /** Let the Studio close (a training run saves), then end the thread. */
  async close(): Promise<void> {
    const reply = this.request({ type: 'close' });
    this.closing = true;
    await reply;
    await this.worker.terminate();
  }

  private start(): void {
    const worker = this.spawn(this.data);
    this.worker = worker;
    let failure: Error | null = null;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromEngine) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'failed') reject(new Error(message.message));
        else if (message.type === 'event') this.hooks.event(message);
        else this.settle(message.id, message.reply);
      });
      worker.on('error', (err) => (failure = explainWorkerError(err, `the studio's ${this.name}`)));
      worker.once('exit', (code) => {
        const why = failure?.message ?? `its thread exited with code ${code}`;
        reject(new Error(`the studio's ${this.name} could not start (${why})`));
        this.died(why);
      });
    });
    // Nobody may be waiting yet: a failed start is reported to whoever asks next, never as a stray rejection.
    this.ready.catch(() => undefined);
  }

  private settle(id: number, reply: Reply<unknown>): void {
    const resolve = this.pending.get(id);
    this.pending.delete(id);
    resolve?.(reply);
  }

  private died(why: string): void {
    if (this.closing) return;
    const message = `the studio's ${this.name} stopped unexpectedly (${why}); it is starting again`;
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, error: `${message}: ask again once it is back` });
    const wasReady = this.ready;
    // A thread that never opened is not started again: what stopped it would stop the next one too.
    void wasReady.then(
      () => {
        this.hooks.stopped(message);
        this.start();
        this.ready.then(
          () => this.hooks.restarted(),
          (err: unknown) => this.hooks.stopped(messageOf(err)),
        );
      },
      () => undefined,
    );
  }
}
