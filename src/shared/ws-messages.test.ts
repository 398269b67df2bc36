import { describe, expect, it } from 'vitest';
import { MAX_WS_MESSAGE_BYTES, tooLargeToSend } from './ws-messages.ts';

describe('tooLargeToSend', () => {
  it('lets a request up to the limit through and names the channel, the size and the limit beyond it', () => {
    expect(tooLargeToSend('model:import', MAX_WS_MESSAGE_BYTES)).toBeNull();
    const message = tooLargeToSend('model:import', MAX_WS_MESSAGE_BYTES + 5 * 1024 ** 2);
    expect(message).toMatch(/^model:import: the request is 101 MB, over browser mode's 96 MB limit/);
  });
});
