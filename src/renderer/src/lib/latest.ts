// Replies can overtake each other: a request only counts if no newer one was made since.

/** Numbers requests; `isCurrent(ticket)` is false once a newer request has been issued. */
export class Latest {
  #last = 0;

  /** A ticket for a new request, making every older one stale. */
  next(): number {
    return ++this.#last;
  }

  isCurrent(ticket: number): boolean {
    return ticket === this.#last;
  }
}
