// The fake engine checks payloads as the real one does, so that a component test fails on a malformed one.
import { describe, expect, it } from 'vitest';
import { FakeApi, takeMalformed } from './fake-api';

describe('FakeApi', () => {
  it("refuses a payload the contract's schema refuses, and reports it to the test's end", async () => {
    const api = new FakeApi({ 'training:start': () => ({ runId: 'x' }) });
    await expect(api.invoke('training:start', { spec: { epochs: 'ten' } } as never)).rejects.toThrow(/malformed payload, training:start: spec/);
    expect(takeMalformed()).toHaveLength(1);
    expect(api.count('training:start')).toBe(1);
  });

  it('lets a well-formed payload through to its handler', async () => {
    const api = new FakeApi({ 'runs:metrics': () => ({ batches: [], epochs: [] }) });
    await expect(api.invoke('runs:metrics', { id: '20261128-100000-aaaa' })).resolves.toEqual({ batches: [], epochs: [] });
    expect(takeMalformed()).toEqual([]);
  });
});
