// Issue 19, finding 1: the three hostile graphs that made tfjs's fromConfig loop for ever are refused by the
// host and the command line; the host answers a prediction during and after each; and a fresh process refusing
// each peaks under 1.5 GB (VmHWM, as bombs.test.ts measures). Slow: it spawns processes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../data/png.ts';
import { dispatch } from '../dispatch.ts';
import { Studio } from '../studio.ts';
import { PIXELS } from '../../shared/mnist.ts';

const root = new URL('../../..', import.meta.url).pathname;
const PEAK_LIMIT_MB = 1536;

/** model.json of a flatten + dense model whose dense layer reads `from`, and the weights it declares. */
function hostileModel(from: [string, number], extra: object[] = []): { modelJson: string; weights: Uint8Array } {
  const layer = (name: string, className: string, config: object, inbound: [string, number][]) => ({
    name,
    class_name: className,
    config: { name, ...config },
    inbound_nodes: inbound.length ? [inbound.map(([n, k]) => [n, k, 0, {}])] : [],
  });
  const layers = [
    layer('in', 'InputLayer', { batch_input_shape: [null, 28, 28, 1] }, []),
    layer('flat', 'Flatten', {}, [['in', 0]]),
    ...extra,
    layer('out', 'Dense', { units: 10, activation: 'softmax' }, [from]),
  ];
  const modelTopology = { class_name: 'Model', config: { name: 'hostile', layers, input_layers: [['in', 0, 0]], output_layers: [['out', 0, 0]] } };
  const weights = [
    { name: 'out/kernel', shape: [784, 10], dtype: 'float32' },
    { name: 'out/bias', shape: [10], dtype: 'float32' },
  ];
  return {
    modelJson: JSON.stringify({ modelTopology, weightsManifest: [{ paths: ['./weights.bin'], weights }] }),
    weights: new Uint8Array(7850 * 4),
  };
}

const CASES: [string, ReturnType<typeof hostileModel>, RegExp][] = [
  [
    'a cycle',
    hostileModel(['loop', 0], [{ name: 'loop', class_name: 'Dense', config: { name: 'loop', units: 784 }, inbound_nodes: [[['out', 0, 0, {}]]] }]),
    /has a cycle through layer/,
  ],
  ['a missing inbound layer', hostileModel(['ghost', 0]), /reads layer "ghost", which the model does not have/],
  ['node 7 of a one-node layer', hostileModel(['flat', 7]), /reads node 7 of layer "flat", which has 1 node\(s\)/],
];

function folderOf(model: ReturnType<typeof hostileModel>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
  writeFileSync(join(dir, 'model.json'), model.modelJson);
  writeFileSync(join(dir, 'weights.bin'), model.weights);
  return dir;
}

const filesOf = (model: ReturnType<typeof hostileModel>) => [
  { name: 'model.json' as const, base64: Buffer.from(model.modelJson).toString('base64') },
  { name: 'weights.bin' as const, base64: Buffer.from(model.weights).toString('base64') },
];

let studio: Studio;
beforeAll(async () => {
  studio = await Studio.open({ userDir: mkdtempSync(join(tmpdir(), 'user-')), transport: 'websocket', version: 'test' });
});
afterAll(() => studio.close());

const field = Array.from({ length: PIXELS }, (_, i) => (i % 28 === 14 ? 1 : 0));

describe.each(CASES)('a model whose graph has %s', (_, model, pattern) => {
  it('is refused by the host, which answers a prediction during and after', async () => {
    const [imported, during] = await Promise.all([
      dispatch(studio, 'model:import', { files: filesOf(model) }),
      dispatch(studio, 'model:predict', { field }),
    ]);
    expect(imported.ok).toBe(false);
    expect((imported as { error: string }).error).toMatch(pattern);
    expect((imported as { error: string }).error.split('\n')).toHaveLength(1);
    expect(during.ok).toBe(true);
    const after = await dispatch(studio, 'model:predict', { field });
    expect(after).toMatchObject({ ok: true, value: { label: 1 } });
    expect((await dispatch(studio, 'app:info', undefined)) as unknown).toMatchObject({ value: { activeModel: { id: 'bundled' } } });
  });

  it('is refused by the command line in one line, exit 2', () => {
    const png = join(mkdtempSync(join(tmpdir(), 'digit-')), 'one.png');
    writeFileSync(png, encodePng({ width: 28, height: 28, data: Uint8Array.from({ length: PIXELS * 4 }, (_, i) => (field[i >> 2] ? 0 : 255)) }));
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'predict', '--model', folderOf(model), png], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
      killSignal: 'SIGKILL',
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(pattern)]);
  });

  it(`is refused by a fresh engine process that peaks under ${PEAK_LIMIT_MB} MB`, () => {
    const script = `
      import { readModel } from ${JSON.stringify(join(root, 'src/engine/model/model-io.ts'))};
      import { readFileSync } from 'node:fs';
      const peak = () => Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
      readModel(${JSON.stringify(folderOf(model))}).then(
        () => console.log(JSON.stringify({ error: 'accepted', peakMb: peak() })),
        (err) => console.log(JSON.stringify({ error: err.message, peakMb: peak() })),
      );`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
      killSignal: 'SIGKILL',
    });
    const { error, peakMb } = JSON.parse(result.stdout.trim().split('\n').pop()!);
    console.log(`${_}: refused, peak ${peakMb.toFixed(0)} MB`);
    expect(error).toMatch(pattern);
    expect(peakMb).toBeLessThan(PEAK_LIMIT_MB);
  });
});

it('reads the bundled model unchanged (the checks refuse nothing sound)', () => {
  expect(JSON.parse(readFileSync(join(root, 'resources/model/model.json'), 'utf8')).modelTopology.class_name).toBe('Sequential');
});
