// Issue 27, item 7: the host's memory is bounded over all connections, not only per connection.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { HostBudget, LARGE_MESSAGE_BYTES, LARGE_SLOTS, ReceiveGate } from './budget.ts';

/** A socket whose reading can be paused, fed by hand. */
class FakeSocket extends EventEmitter {
  paused = false;
  pause() {
    this.paused = true;
    return this;
  }
  resume() {
    this.paused = false;
    return this;
  }
  /** Deliver `bytes` in 64 KB chunks, as the network does, unless paused. */
  feed(bytes: number): number {
    let given = 0;
    while (given < bytes && !this.paused) {
      const chunk = Math.min(65_536, bytes - given);
      this.emit('data', Buffer.alloc(chunk));
      given += chunk;
    }
    return given;
  }
}

describe('the host budget', () => {
  it(`reads at most ${LARGE_SLOTS} large messages at once; the others wait paused and go on, in order, as slots free`, () => {
    const budget = new HostBudget();
    const sockets = Array.from({ length: 4 }, () => new FakeSocket());
    const gates = sockets.map((s) => new ReceiveGate(s, budget));
    const size = 8 * LARGE_MESSAGE_BYTES;
    const read = sockets.map((s) => s.feed(size));
    expect(read.filter((n) => n === size)).toHaveLength(LARGE_SLOTS);
    expect(sockets.map((s) => s.paused)).toEqual([false, false, true, true]);
    // The waiting ones stopped just past the threshold: their bytes stay in the network.
    expect(Math.max(...read.slice(2))).toBeLessThanOrEqual(LARGE_MESSAGE_BYTES + 65_536);
    expect(budget.largeInFlight).toBe(LARGE_SLOTS);
    // The first message arrives whole: it holds its slot until answered.
    expect(gates[0].message()).toBe(true);
    expect(sockets[2].paused).toBe(true);
    budget.release();
    expect(sockets.map((s) => s.paused)).toEqual([false, false, false, true]);
    // A connection closed while it waits gives up its turn; one closed mid-message gives its slot back.
    sockets[3].emit('close');
    sockets[1].emit('close');
    expect(budget.largeInFlight).toBe(1);
  });

  it('small messages never wait for a slot, and share a byte budget past which one is refused', () => {
    const budget = new HostBudget(LARGE_SLOTS, 1000);
    expect(budget.takeSmall(600)).toBe(true);
    expect(budget.takeSmall(600)).toBe(false);
    budget.giveSmall(600);
    expect(budget.takeSmall(600)).toBe(true);
    const socket = new FakeSocket();
    const gate = new ReceiveGate(socket, budget);
    expect(socket.feed(LARGE_MESSAGE_BYTES / 2)).toBe(LARGE_MESSAGE_BYTES / 2);
    expect(gate.message()).toBe(false);
    expect(budget.largeInFlight).toBe(0);
  });
});
