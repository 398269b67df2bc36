// The host's memory over all connections at once. Each connection is bounded by itself (32 requests, 96 MB a
// message), but 32 connections each sending an 87 MB request took the host to 3.45 GB: a request costs several
// times its size while it is parsed, checked and answered. So a message past LARGE_MESSAGE_BYTES needs one of
// LARGE_SLOTS to be read on (the others' sockets wait, paused, with the rest of their bytes still in the network),
// and the smaller requests answered at once share MAX_SMALL_BYTES.

/** A message larger than this is read on only while it holds a slot. */
export const LARGE_MESSAGE_BYTES = 1024 ** 2;
/** Large messages read and answered at once, over all connections. */
export const LARGE_SLOTS = 2;
/** Bytes of smaller requests being answered at once, over all connections; one more is refused as busy. */
export const MAX_SMALL_BYTES = 64 * 1024 ** 2;

/** The slots and the small requests' bytes, shared by every connection of one host. */
export class HostBudget {
  private free: number;
  private readonly queue: (() => void)[] = [];
  private small = 0;

  constructor(
    readonly slots = LARGE_SLOTS,
    readonly smallLimit = MAX_SMALL_BYTES,
  ) {
    this.free = slots;
  }

  /** Slots held now. */
  get largeInFlight(): number {
    return this.slots - this.free;
  }

  /** Take a slot: true at once if one is free, else false and `granted` is called once one is (first asked, first served). */
  claim(granted: () => void): boolean {
    if (this.free > 0) {
      this.free--;
      return true;
    }
    this.queue.push(granted);
    return false;
  }

  /** Stop waiting for a slot (the connection closed, or its message ended without one). */
  cancel(granted: () => void): void {
    const at = this.queue.indexOf(granted);
    if (at >= 0) this.queue.splice(at, 1);
  }

  /** Give a slot back: to the first connection waiting, else to the pool. */
  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.free++;
  }

  /** Count a small request of `bytes` as being answered; false when the host holds too many already. */
  takeSmall(bytes: number): boolean {
    if (this.small > 0 && this.small + bytes > this.smallLimit) return false;
    this.small += bytes;
    return true;
  }

  /** A small request of `bytes` was answered. */
  giveSmall(bytes: number): void {
    this.small -= bytes;
  }
}

/** What pauses and resumes a connection's reading: its WebSocket, which would otherwise resume a paused socket itself. */
export interface Flow {
  pause(): void;
  resume(): void;
}

/**
 * One connection's reading, watched on its socket: once the message arriving passes LARGE_MESSAGE_BYTES it needs
 * a slot, and without one its reading is paused until one is granted. Listens before the WebSocket does.
 */
export class ReceiveGate {
  private flow: Flow;
  /** Bytes received since the last whole message (counted from the socket's chunks). */
  private partial = 0;
  private holding = false;
  private waiting = false;
  private closed = false;

  constructor(
    socket: Flow & { on(event: 'data' | 'close', listener: (chunk: Buffer) => void): unknown },
    private readonly budget: HostBudget,
  ) {
    this.flow = socket;
    socket.on('data', (chunk: Buffer) => this.received(chunk.length));
    socket.on('close', () => this.close());
  }

  /** Pause and resume through `flow` from now on (the WebSocket, once the upgrade made it). */
  attach(flow: Flow): void {
    this.flow = flow;
  }

  private readonly granted = () => {
    this.waiting = false;
    if (this.closed) return this.budget.release();
    this.holding = true;
    this.flow.resume();
  };

  private received(bytes: number): void {
    this.partial += bytes;
    if (this.partial <= LARGE_MESSAGE_BYTES || this.holding || this.waiting) return;
    if (this.budget.claim(this.granted)) this.holding = true;
    else {
      this.waiting = true;
      this.flow.pause();
    }
  }

  /**
   * A whole message arrived: whether it holds a slot (then `done` must be called once it is answered). One that
   * ended in the chunk that asked for a slot is small enough to count as a small request instead.
   */
  message(): boolean {
    this.partial = 0;
    if (this.waiting) {
      this.waiting = false;
      this.budget.cancel(this.granted);
      this.flow.resume();
    }
    const held = this.holding;
    this.holding = false;
    return held;
  }

  private close(): void {
    this.closed = true;
    if (this.waiting) this.budget.cancel(this.granted);
    // A message cut off part-way gives its slot back; one answered gives it back through `done`.
    if (this.holding) this.budget.release();
    this.holding = this.waiting = false;
  }
}
