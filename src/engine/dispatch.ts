// Validates one incoming invoke (channel and payload) and runs it, for any transport.
import { isInvokeChannel, invokeSchemas, type Reply } from '../shared/contract.ts';
import { UserError } from './errors.ts';
import type { Studio } from './studio.ts';
import { messageOf } from '../shared/message.ts';

/** Answer an invoke from outside: unknown channels and malformed payloads get a clear error, never a throw. */
export async function dispatch(studio: Studio, channel: unknown, payload: unknown): Promise<Reply<unknown>> {
  if (!isInvokeChannel(channel)) return { ok: false, error: `unknown channel ${JSON.stringify(channel)}` };
  const parsed = invokeSchemas[channel].safeParse(payload);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
    return { ok: false, error: `${channel}: invalid payload (${problems})` };
  }
  try {
    const handler = studio.handlers[channel] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    if (!(err instanceof UserError)) console.error(`digit-studio: ${channel} failed:`, err);
    return { ok: false, error: messageOf(err) };
  }
}
