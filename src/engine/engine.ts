// What a transport (Electron's IPC, browser mode's WebSocket, the shell's dialogs) needs of the engine. The
// Studio answers it on the thread that holds it; EngineThreads (threads/) answers it from worker threads, so
// that the thread holding the transport only routes.
import type { ActiveModel, EventChannel, EventPayloads, InvokeChannel, InvokeInput, InvokeOutputs, Reply } from '../shared/contract.ts';
import { UserError } from './errors.ts';

/** A listener for the engine's pushed events. */
export type EngineListener = <E extends EventChannel>(channel: E, payload: EventPayloads[E]) => void;

/** The engine as the shells see it: every invoke validated and answered, events, the dialogs' file jobs. */
export interface Engine {
  /**
   * Validate and answer one invoke from outside; unknown channels and bad payloads get a one-line error.
   * Aborting `signal` cancels it: answered as cancelled at once, and dropped by the engine if not yet started.
   */
  answer(channel: unknown, payload: unknown, signal?: AbortSignal): Promise<Reply<unknown>>;
  /** Subscribe to pushed events; returns the unsubscribe function. */
  onEvent(listener: EngineListener): () => void;
  /** Export the active model to the new or empty folder `dir`. */
  exportModel(dir: string): Promise<void>;
  /** Import the model folder `dir` as a finished run and make it the active model. */
  importModel(dir: string): Promise<ActiveModel>;
  /** Export my digits into folder `dir` as an IDX pair; returns how many. */
  exportDigits(dir: string): Promise<number>;
  /** Add the IDX pair in folder `dir` to my digits; returns how many were added. */
  importDigits(dir: string): Promise<number>;
  /** Stop any training, let it save, and let go of the engine's threads. */
  close(): Promise<void>;
}

/** Ask `engine` on `channel` from inside the shell; a refusal becomes a UserError carrying its one line. */
export async function ask<C extends InvokeChannel>(engine: Engine, channel: C, input: InvokeInput<C>): Promise<InvokeOutputs[C]> {
  const reply = await engine.answer(channel, input);
  if (!reply.ok) throw new UserError(reply.error);
  return reply.value as InvokeOutputs[C];
}
