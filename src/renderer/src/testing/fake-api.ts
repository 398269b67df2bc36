// A StudioApi for component tests: answers from given handlers, counts every call, pushes no events.
import type { InvokeChannel, InvokeOutputs, StudioApi } from '../../../shared/contract';

export type FakeHandlers = { [C in InvokeChannel]?: (payload: never) => InvokeOutputs[C] | Promise<InvokeOutputs[C]> };

/** The fake and what it was asked: `calls` holds each channel's payloads, in order. */
export function fakeApi(handlers: FakeHandlers): { api: StudioApi; calls: Partial<Record<InvokeChannel, unknown[]>> } {
  const calls: Partial<Record<InvokeChannel, unknown[]>> = {};
  const api = {
    transport: 'websocket',
    invoke: async (channel: InvokeChannel, payload?: unknown) => {
      (calls[channel] ??= []).push(payload);
      const handler = handlers[channel] as ((payload: unknown) => unknown) | undefined;
      if (!handler) throw new Error(`the fake has no ${channel}`);
      return handler(payload);
    },
    on: () => () => undefined,
  } as StudioApi;
  return { api, calls };
}
