// Leaving the command line without losing output: process.exit() drops whatever stdout has not yet handed to
// the OS (an asynchronous pipe or a terminal under load), so every exit first waits for both streams to drain.

/** A stream as far as flushing goes: process.stdout and process.stderr. */
export interface Flushable {
  write(chunk: string, callback: (err?: Error | null) => void): boolean;
  destroyed?: boolean;
}

/** Resolve once everything written to `stream` so far has been handed on (or the stream is gone). */
export function drained(stream: Flushable): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  // Writes complete in order: the callback of an empty write runs after every earlier one.
  return new Promise((resolve) => {
    try {
      stream.write('', () => resolve());
    } catch {
      resolve();
    }
  });
}

/** Exit with `code` once stdout and stderr have drained. */
export async function exitFlushed(
  code: number,
  streams: Flushable[] = [process.stdout, process.stderr],
  exit: (code: number) => void = process.exit,
): Promise<void> {
  await Promise.all(streams.map(drained));
  exit(code);
}

/** A reader that went away (`| head -1`) ends the command quietly instead of with a stack trace. */
export function quietOnClosedPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
