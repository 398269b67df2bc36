import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../runtime/backend.ts';
import { defaultSpec } from '../../shared/spec.ts';
import { createModel, createOptimizer } from './model.ts';
import { OPTIMIZER_BIN, OPTIMIZER_JSON, readOptimizer, writeOptimizer } from './model-io.ts';

beforeAll(async () => {
  await initBackend({ want: 'wasm' });
});

/** A folder with the state of an Adam optimizer that has taken one step. */
async function savedOptimizer(): Promise<string> {
  const spec = defaultSpec();
  const model = createModel(spec);
  const optimizer = createOptimizer(spec);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: tf.onesLike(v) })));
  const dir = mkdtempSync(join(tmpdir(), 'optimizer-'));
  await writeOptimizer(dir, optimizer);
  model.dispose();
  optimizer.dispose();
  return dir;
}

describe('optimizer state on disk', () => {
  it('reads back what it wrote', async () => {
    const dir = await savedOptimizer();
    const restored = createOptimizer(defaultSpec());
    await readOptimizer(dir, restored);
    expect((await restored.getWeights()).length).toBeGreaterThan(1);
  });

  it('names a truncated optimizer.bin and what it should hold', async () => {
    const dir = await savedOptimizer();
    const bin = join(dir, OPTIMIZER_BIN);
    const full = readFileSync(bin);
    writeFileSync(bin, full.subarray(0, 1000));
    await expect(readOptimizer(dir, createOptimizer(defaultSpec()))).rejects.toThrow(`${bin}: 1000 bytes, the optimizer state needs ${full.length}`);
  });

  it('names an optimizer.json that is not what the studio writes', async () => {
    const dir = await savedOptimizer();
    writeFileSync(join(dir, OPTIMIZER_JSON), JSON.stringify({ className: 'Adam', specs: 'all of them' }));
    await expect(readOptimizer(dir, createOptimizer(defaultSpec()))).rejects.toThrow(
      `${join(dir, OPTIMIZER_JSON)}: not the optimizer state the studio writes`,
    );
  });
});
