// The host's one way to report a failure it survives: the engine's one-line log (src/engine/log.ts).
import { logFailure as logEngineFailure } from '../engine/log.ts';

/** Log `err` on one line under `context` (the stack too under DIGIT_STUDIO_DEBUG=1). */
export function logFailure(context: string, err: unknown): void {
  logEngineFailure(context, err, 'digit-studio host');
}
