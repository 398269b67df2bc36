// One window's WebSocket: requests go through the engine's dispatch, within two bounds, so that a client that
// floods requests or stops reading its replies cannot grow the host without limit.
import type { RawData, WebSocket } from 'ws';
import type { Engine } from '../engine/engine.ts';
import { WsCancelSchema, WsRequestSchema, type WsServerMessage } from '../shared/ws-messages.ts';
import { logFailure } from './log.ts';
import { HostBudget, type ReceiveGate } from './budget.ts';

/** Requests one connection may have unanswered; a further one gets an error reply at once. */
export const MAX_IN_FLIGHT = 32;

/** Bytes queued for one connection beyond which it is taken to have stopped reading, and is dropped. */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** The largest reply sent: a larger one (or one that cannot be serialised) is answered with an error instead. */
export const MAX_REPLY_BYTES = MAX_BUFFERED_BYTES;

const megabytes = (chars: number) => `${Math.ceil(chars / 1024 ** 2)} MB`;

const RequestId = WsRequestSchema.pick({ id: true });

/** A connected window: answers its requests and carries events to it. */
export class Connection {
  /** Requests received and not yet answered. */
  inFlight = 0;
  /** How to call off each request in flight, by the window's id for it. */
  private readonly cancels = new Map<number, AbortController>();

  constructor(
    private readonly ws: WebSocket,
    private readonly studio: Engine,
    private readonly onDrop: () => void,
    /** What the host holds over all connections (see budget.ts); its own when the connection stands alone. */
    private readonly budget = new HostBudget(),
    /** Whether the message that just arrived holds one of the budget's slots for large messages. */
    private readonly gate?: Pick<ReceiveGate, 'message'>,
  ) {
    ws.on('message', (data, isBinary) => {
      const large = this.gate?.message() ?? false;
      const bytes = sizeOf(data);
      if (!large && !this.budget.takeSmall(bytes)) {
        const id = requestIdOf(data);
        return this.send({ id, ok: false, error: 'the host is busy answering other windows; ask again in a moment' });
      }
      const release = () => (large ? this.budget.release() : this.budget.giveSmall(bytes));
      try {
        void Promise.resolve(this.receive(data, isBinary)).finally(release);
      } catch (err) {
        release();
        logFailure('answering a WebSocket message', err);
      }
    });
  }

  /** Bytes queued for the client and not yet handed to the network. */
  get buffered(): number {
    return this.ws.bufferedAmount;
  }

  /** Send one message; a client whose queue outgrows MAX_BUFFERED_BYTES is not reading, and is dropped. */
  send(message: WsServerMessage): void {
    this.sendText(JSON.stringify(message));
  }

  /** Send the reply to request `id`: one too large or that cannot be serialised becomes an error reply naming the channel. */
  private reply(id: number | null, channel: string, reply: { ok: true; value: unknown } | { ok: false; error: string }): void {
    let text: string;
    try {
      text = JSON.stringify({ id, ...reply });
    } catch (err) {
      logFailure(`serialising the reply to ${channel}`, err);
      text = '';
    }
    if (!text) {
      text = JSON.stringify({ id, ok: false, error: `${channel}: the reply could not be sent (it cannot be serialised)` });
    } else if (text.length > MAX_REPLY_BYTES) {
      text = JSON.stringify({
        id,
        ok: false,
        error: `${channel}: the reply is ${megabytes(text.length)}, over browser mode's ${megabytes(MAX_REPLY_BYTES)} limit`,
      });
    }
    this.sendText(text);
  }

  private sendText(text: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(text);
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.ws.terminate();
      this.onDrop();
    }
  }

  /** Answer one message; settles once it is answered. */
  private receive(data: RawData, isBinary: boolean): Promise<void> | void {
    if (isBinary) return this.send({ id: null, ok: false, error: 'malformed message: binary frames are not accepted' });
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      return this.send({ id: null, ok: false, error: 'malformed message: not JSON' });
    }
    const cancel = WsCancelSchema.safeParse(json);
    // Answered through the request's own reply (cancelled); an id not in flight has nothing to call off.
    if (cancel.success) return void this.cancels.get(cancel.data.cancel)?.abort();
    const request = WsRequestSchema.safeParse(json);
    if (!request.success) {
      const id = RequestId.safeParse(json);
      return this.send({ id: id.success ? id.data.id : null, ok: false, error: 'malformed message: expected {id, channel, payload}' });
    }
    const { id, channel, payload } = request.data;
    if (this.inFlight >= MAX_IN_FLIGHT) {
      return this.send({ id, ok: false, error: `too many requests in flight: at most ${MAX_IN_FLIGHT} per connection` });
    }
    this.inFlight++;
    const controller = new AbortController();
    this.cancels.set(id, controller);
    return this.studio
      .answer(channel, payload, controller.signal)
      .catch((err: unknown) => {
        logFailure(channel, err);
        return { ok: false as const, error: `${channel} failed` };
      })
      .then((reply) => {
        this.inFlight--;
        if (this.cancels.get(id) === controller) this.cancels.delete(id);
        this.reply(id, channel, reply);
      })
      .catch((err: unknown) => logFailure(`replying to ${channel}`, err));
  }
}

/** The bytes of a message as ws hands it over. */
function sizeOf(data: RawData): number {
  return Array.isArray(data) ? data.reduce((n, part) => n + part.byteLength, 0) : data.byteLength;
}

/** The id of a request refused before it is read whole, when its text names one early on. */
function requestIdOf(data: RawData): number | null {
  const first = Array.isArray(data) ? (data[0] ?? Buffer.alloc(0)) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  const head = first.subarray(0, 64).toString();
  const id = /^\s*\{\s*"id"\s*:\s*(\d{1,15})\s*[,}]/.exec(head)?.[1];
  return id === undefined ? null : Number(id);
}
