// The one way to report a failure the process survives: a single line on stderr with where it came from.
// The full stack only when DIGIT_STUDIO_DEBUG is set: 2,000 failing requests must not write 24,000 lines.

/** Whether stacks are logged (DIGIT_STUDIO_DEBUG=1). */
export const debugLogging = (env: NodeJS.ProcessEnv = process.env) => Boolean(env.DIGIT_STUDIO_DEBUG) && env.DIGIT_STUDIO_DEBUG !== '0';

/** One line for `err` under `context`: its message and the first frame of its stack (the whole stack when debugging). */
export function failureLine(prefix: string, context: string, err: unknown, debug = debugLogging()): string {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  if (debug && err instanceof Error && err.stack) return `${prefix}: ${context}: ${err.stack}`;
  const frame = err instanceof Error ? err.stack?.split('\n').find((line) => line.trimStart().startsWith('at ')) : undefined;
  const where = frame ? ` (${frame.trim()})` : '';
  return `${prefix}: ${context}: ${message.split('\n')[0]}${where}`;
}

/** Log `err` under `context` as failureLine does. */
export function logFailure(context: string, err: unknown, prefix = 'digit-studio'): void {
  console.error(failureLine(prefix, context, err));
}
