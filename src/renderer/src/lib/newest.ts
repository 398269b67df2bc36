// Newest input wins: the one way the window asks the engine about an input that keeps changing (a stroke, the
// epoch slider, the active model). One request is in flight; a newer input waits, replacing any before it, and
// cancels the request in flight (browser mode answers it at once and the engine drops it unless it started);
// a reply is used only while its input is the newest.

/** What one ask is given: the signal for `invoke`, and whether its input is still the newest. */
export interface Ask {
  signal: AbortSignal;
  isCurrent(): boolean;
}

/** Runs `work` for the newest input, one at a time. */
export class Newest<T> {
  #inFlight: AbortController | null = null;
  #waiting: { input: T; ticket: number } | null = null;
  #last = 0;

  constructor(private readonly work: (input: T, ask: Ask) => Promise<void>) {}

  /** Ask about `input`: now, or once the request in flight (cancelled meanwhile) has settled. */
  async run(input: T): Promise<void> {
    const ticket = ++this.#last;
    if (this.#inFlight) {
      this.#waiting = { input, ticket };
      this.#inFlight.abort();
      return;
    }
    await this.#start(input, ticket);
  }

  /** Forget every input: what waits is dropped, the request in flight cancelled and its reply ignored. */
  drop(): void {
    this.#last++;
    this.#waiting = null;
    this.#inFlight?.abort();
  }

  async #start(input: T, ticket: number): Promise<void> {
    const controller = new AbortController();
    this.#inFlight = controller;
    try {
      await this.work(input, { signal: controller.signal, isCurrent: () => ticket === this.#last });
    } finally {
      this.#inFlight = null;
      const next = this.#waiting;
      this.#waiting = null;
      if (next) await this.#start(next.input, next.ticket);
    }
  }
}
