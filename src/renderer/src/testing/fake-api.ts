// A StudioApi for component tests: it counts every request, checks each payload with the contract's schema
// (as the engine does), answers from per-channel handlers (which may hold a reply back to test ordering), and
// lets a test push engine events. A malformed payload fails the test even where the window shows the error.
import {
  invokeSchemas,
  type EventChannel,
  type EventPayloads,
  type InvokeChannel,
  type InvokeInput,
  type InvokeOptions,
  type Prediction,
  type InvokeOutputs,
  type StudioApi,
} from '../../../shared/contract';
import { tick } from 'svelte';

/** A fake reply: given the request as the contract types it, what the engine would answer (typed by InvokeOutputs). */
type Handler<C extends InvokeChannel> = (payload: InvokeInput<C>) => InvokeOutputs[C] | Promise<InvokeOutputs[C]>;

const STORM = 300;

/** Payloads the contract refused since the last check (testing/setup.ts fails the test that sent them). */
const malformed: string[] = [];

/** The malformed payloads sent since the last call, emptied. */
export function takeMalformed(): string[] {
  return malformed.splice(0);
}

/** A reply the test releases when it chooses. */
export interface Held<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

/** A promise and its resolve/reject, for replies that arrive when the test says so. */
export function held<T>(): Held<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((yes, no) => ((resolve = yes), (reject = no)));
  return { promise, resolve, reject };
}

/** The fake engine: `calls` lists every invoke, `emit` pushes an event to the window. */
export class FakeApi implements StudioApi {
  readonly transport = 'websocket' as const;
  readonly calls: { channel: InvokeChannel; payload: unknown }[] = [];
  /** The same calls grouped by channel: each channel's payloads, in order. */
  readonly payloads: Partial<Record<InvokeChannel, unknown[]>> = {};
  /** Each call's cancel signal (undefined where none was given), grouped by channel like `payloads`. */
  readonly signals: Partial<Record<InvokeChannel, (AbortSignal | undefined)[]>> = {};
  readonly #handlers = new Map<InvokeChannel, Handler<InvokeChannel>>();
  readonly #listeners = new Map<EventChannel, Set<(payload: never) => void>>();
  readonly #pending = new Set<Promise<unknown>>();

  constructor(handlers: { [C in InvokeChannel]?: Handler<C> } = {}) {
    for (const [channel, handler] of Object.entries(handlers)) this.handle(channel as InvokeChannel, handler as Handler<InvokeChannel>);
  }

  handle<C extends InvokeChannel>(channel: C, handler: Handler<C>): void {
    this.#handlers.set(channel, handler as Handler<InvokeChannel>);
  }

  /** How many times a channel was invoked. */
  count(channel: InvokeChannel): number {
    return this.calls.filter((call) => call.channel === channel).length;
  }

  /**
   * Resolves once every reply asked for so far has arrived or failed (held ones included: release them first),
   * and the window has handled them: the signal a test waits on before checking that nothing more happened.
   */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
    await tick();
  }

  invoke = ((channel: InvokeChannel, payload?: unknown, options?: InvokeOptions) => {
    const reply = this.#answer(channel, payload, options);
    this.#pending.add(reply);
    void reply.then(
      () => this.#pending.delete(reply),
      () => this.#pending.delete(reply),
    );
    return reply;
  }) as StudioApi['invoke'];

  #answer = async (channel: InvokeChannel, payload?: unknown, options?: InvokeOptions): Promise<unknown> => {
    this.calls.push({ channel, payload });
    (this.payloads[channel] ??= []).push(payload);
    (this.signals[channel] ??= []).push(options?.signal);
    // A request loop would otherwise starve the event loop and hang the test instead of failing it.
    if (this.calls.length > STORM) throw new Error(`more than ${STORM} requests: a request loop`);
    const checked = invokeSchemas[channel].safeParse(payload);
    if (!checked.success) {
      const problem = `${channel}: ${checked.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')}`;
      malformed.push(problem);
      throw new Error(`malformed payload, ${problem}`);
    }
    const handler = this.#handlers.get(channel);
    if (!handler) throw new Error(`${channel}: no fake reply`);
    // Checked against the channel's schema just above.
    return handler(payload as never);
  };

  on<E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void): () => void {
    const set = this.#listeners.get(channel) ?? new Set();
    this.#listeners.set(channel, set);
    set.add(listener as (payload: never) => void);
    return () => void set.delete(listener as (payload: never) => void);
  }

  emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void {
    for (const listener of this.#listeners.get(channel) ?? []) (listener as (payload: EventPayloads[E]) => void)(payload);
  }
}

/** The fake and what it was asked, grouped by channel (a shorter form for tests that need no events). */
export function fakeApi(handlers: { [C in InvokeChannel]?: Handler<C> }): { api: FakeApi; calls: FakeApi['payloads'] } {
  const api = new FakeApi(handlers);
  return { api, calls: api.payloads };
}

const BLANK_DIGIT = btoa(String.fromCharCode(...new Uint8Array(784)));
const ACTIVE = { id: 'bundled', label: 'bundled LeNet-5', testAccuracy: 0.9893 };

/** A prediction that is sure of `digit`. */
export const sureOf = (digit: number): Prediction => ({
  label: digit,
  probabilities: Array.from({ length: 10 }, (_, d) => (d === digit ? 1 : 0)),
  confident: true,
});

/** A fake engine already answering start-up and paging; tests add or replace handlers. */
export function fakeEngine(): FakeApi {
  return new FakeApi({
    'app:info': () => ({ backend: 'wasm', backendLabel: 'CPU (WebAssembly)', activeModel: ACTIVE, transport: 'websocket', version: 'test' }),
    'dataset:info': () => ({
      name: 'MNIST',
      counts: { train: 60000, test: 10000 },
      overview: { train: [1, 3, 5, 7, 2, 0, 13, 15, 17, 4], test: [3, 2, 1, 18, 4, 8, 11, 0, 61, 7] },
    }),
    'training:status': () => ({ runId: null, running: false, spec: null, progress: null, batches: [], epochs: [] }),
    'runs:list': () => [],
    'digits:list': () => ({ total: 0, digits: [], pixels: '' }),
    'datasets:list': () => ({ sets: [], unreadable: [] }),
    'dataset:page': (payload) => {
      const { offset, limit } = payload as { offset: number; limit: number };
      const count = Math.min(limit, 1000 - offset);
      const indices = Array.from({ length: count }, (_, i) => offset + i);
      return { total: 1000, offset, indices, labels: indices.map((i) => i % 10), pixels: btoa(atob(BLANK_DIGIT).repeat(count)) };
    },
    'dataset:sample': (payload) => {
      const { split, index } = payload as { split: 'train' | 'test'; index: number };
      return { split, index, label: index % 10, pixels: BLANK_DIGIT, prediction: sureOf(index % 10) };
    },
  });
}
