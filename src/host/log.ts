// The host's one way to report a failure it survives: a single line on stderr, with where it came from.

/** Log `err` on one line under `context`: its message and the first frame of its stack. */
export function logFailure(context: string, err: unknown): void {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const frame = err instanceof Error ? err.stack?.split('\n').find((line) => line.trimStart().startsWith('at ')) : undefined;
  const where = frame ? ` (${frame.trim()})` : '';
  console.error(`digit-studio host: ${context}: ${message.split('\n')[0]}${where}`);
}
