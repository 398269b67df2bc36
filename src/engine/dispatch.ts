// Validates one incoming invoke (channel and payload) and runs it, for any transport.
import { isInvokeChannel, invokeSchemas, type Reply } from '../shared/contract.ts';
import { UserError } from './errors.ts';
import { logFailure } from './log.ts';
import type { Studio } from './studio.ts';
import { messageOf } from '../shared/message.ts';

/**
 * The most values (array items, object fields, scalars) a payload may hold: a drawing of 20,000 points is
 * about 41,000, everything else far less. Counted before zod walks it: 2.5 million wrong-typed points would
 * otherwise become 2.5 million issues.
 */
export const MAX_PAYLOAD_VALUES = 100_000;
/** The issues a refused payload's reply names; the rest are counted. */
export const MAX_REPORTED_ISSUES = 3;

/** Whether `payload` holds more than `limit` values; stops counting as soon as it does. */
export function holdsMoreThan(payload: unknown, limit: number): boolean {
  const stack: unknown[] = [payload];
  let count = 0;
  while (stack.length > 0) {
    const value = stack.pop();
    count++;
    if (count > limit) return true;
    if (Array.isArray(value)) {
      if (count + value.length > limit) return true;
      for (const item of value) stack.push(item);
    } else if (typeof value === 'object' && value !== null) {
      const fields = Object.values(value);
      if (count + fields.length > limit) return true;
      for (const field of fields) stack.push(field);
    }
  }
  return false;
}

/** Answer an invoke from outside: unknown channels and malformed payloads get a clear error, never a throw. */
export async function dispatch(studio: Studio, channel: unknown, payload: unknown): Promise<Reply<unknown>> {
  if (!isInvokeChannel(channel))
    return { ok: false, error: `unknown channel ${JSON.stringify(typeof channel === 'string' ? channel.slice(0, 64) : channel)}` };
  if (holdsMoreThan(payload, MAX_PAYLOAD_VALUES)) {
    return { ok: false, error: `${channel}: invalid payload (more than ${MAX_PAYLOAD_VALUES.toLocaleString('en-US')} values)` };
  }
  const parsed = invokeSchemas[channel].safeParse(payload);
  if (!parsed.success) {
    const { issues } = parsed.error;
    const problems = issues.slice(0, MAX_REPORTED_ISSUES).map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`);
    if (issues.length > MAX_REPORTED_ISSUES) problems.push(`${(issues.length - MAX_REPORTED_ISSUES).toLocaleString('en-US')} more`);
    return { ok: false, error: `${channel}: invalid payload (${problems.join('; ')})` };
  }
  try {
    const handler = studio.handlers[channel] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    if (!(err instanceof UserError)) logFailure(`${channel} failed`, err);
    return { ok: false, error: messageOf(err) };
  }
}
