// predict --neighbours and --history, run in this process: argument errors and the history's entries.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { predictCommand } from './commands.ts';
import { UsageError } from './errors.ts';
import { encodePng, readPng } from '../engine/data/png.ts';
import { predictDrawing } from '../engine/model/predict.ts';
import { readModel } from '../engine/model/model-io.ts';
import { bundledModelDir } from '../engine/model/bundled.ts';
import { initBackend } from '../engine/runtime/backend.ts';
import { createModel, createOptimizer } from '../engine/model/model.ts';
import { epochHistory } from '../engine/model/epochs.ts';
import { RunStore } from '../engine/store/runs.ts';
import { defaultSpec } from '../shared/spec.ts';

const tmp = mkdtempSync(join(tmpdir(), 'predict-why-'));
const png = join(tmp, 'one.png');

beforeAll(async () => {
  await initBackend({ want: 'wasm' });
  // A vertical bar on white: a 1, as someone would draw it.
  const [w, h] = [120, 160];
  const data = new Uint8Array(w * h * 4).fill(255);
  for (let y = 20; y < 140; y++) for (let x = 55; x < 67; x++) data.fill(0, (y * w + x) * 4, (y * w + x) * 4 + 3);
  writeFileSync(png, encodePng({ width: w, height: h, data }));
});

/** What the command printed on stdout, line by line. */
async function printed(argv: string[]): Promise<string[]> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await predictCommand(argv);
    return log.mock.calls.map((call) => String(call[0]));
  } finally {
    log.mockRestore();
  }
}

describe('predict --neighbours and --history', () => {
  it.each([
    [['--neighbours', '0', png], /--neighbours: must be at least 1, got 0/],
    [['--neighbours', 'many', png], /--neighbours: expected a whole number, got "many"/],
    [['--neighbours', '101', png], /--neighbours: at most 100, got 101/],
    [['--history', tmp, png], /--history: .* is not a run folder \(no run\.json\)/],
    [['--neighbours', '8'], /predict: name at least one PNG file/],
  ])('refuses %j with one clear line', async (argv, message) => {
    const error = await predictCommand(argv).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });

  it("adds the run's answer after each kept epoch, in order, equal to loading each epoch's weights", async () => {
    const spec = {
      ...defaultSpec(),
      conv: [{ filters: 2, kernelSize: 5, padding: 'same' as const, pool: 'max' as const, poolSize: 2, poolStride: 2 }],
      dense: [8],
      epochs: 2,
    };
    const store = new RunStore(join(tmp, 'runs'));
    let record = await store.create({ spec, dataDir: 'mnist', backend: 'wasm' });
    for (const epoch of [1, 2])
      record = await store.saveCheckpoint({ ...record, epochsDone: epoch }, createModel({ ...spec, seed: epoch }), createOptimizer(spec));
    const [line] = await printed(['--history', store.dir(record.id), '--json', png]);
    const out = JSON.parse(line);
    expect(out.history.map((h: { epoch: number }) => h.epoch)).toEqual([1, 2]);
    const prediction = await predictDrawing(await readModel(bundledModelDir()), await readPng(png));
    expect(out.history).toEqual((await epochHistory(store, record.id, prediction!.input)).epochs);
    expect(out).not.toHaveProperty('neighbours');
  });
});
