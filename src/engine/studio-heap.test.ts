// A failed WebAssembly heap (what 103 epochs of a 4.6 M-parameter run left) must not leave the engine broken.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from './studio.ts';
import { isHeapFailure, tf } from './runtime/backend.ts';
import { PIXELS } from '../shared/mnist.ts';

let studio: Studio;

beforeAll(async () => {
  studio = await Studio.open({ userDir: mkdtempSync(join(tmpdir(), 'user-')), transport: 'websocket', version: 'test' });
});
afterAll(() => studio.close());

const field = Array.from({ length: PIXELS }, (_, i) => (i % 28 > 12 && i % 28 < 16 && i > 100 && i < 700 ? 1 : 0));

/** Make every later allocation on the wasm backend fail as a heap that ran out does. */
function breakHeap(): void {
  const backend = tf.backend() as unknown as { wasm: { _malloc: () => never } };
  backend.wasm._malloc = () => {
    throw Object.assign(new Error('memory access out of bounds'), { name: 'RuntimeError' });
  };
}

describe('a failed WebAssembly heap', () => {
  it('is recognised by its messages', () => {
    expect(isHeapFailure(Object.assign(new Error('memory access out of bounds'), { name: 'RuntimeError' }))).toBe(true);
    expect(isHeapFailure(new Error('Aborted(). Build with -sASSERTIONS for more info.'))).toBe(true);
    expect(isHeapFailure(new Error('run 1 kept no weights for epoch 4'))).toBe(false);
  });

  it('is rebuilt: the request that met it is refused in one line, and the next ones answer as before', async () => {
    const before = await studio.handlers['model:predict']({ field });
    expect(tf.getBackend()).toBe('wasm');
    breakHeap();
    await expect(studio.handlers['model:predict']({ field })).rejects.toThrow(
      /^the engine ran out of memory answering that request; it was restarted/,
    );
    expect(await studio.handlers['model:predict']({ field })).toEqual(before);
    expect((await studio.handlers['dataset:sample']({ split: 'test', index: 0 })).prediction.label).toBe(7);
    expect((await studio.handlers['model:explain']({ field })).layers.length).toBeGreaterThan(0);
  });
});
