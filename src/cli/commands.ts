// `summary`, `evaluate`, `predict`, `export` and `bench`.
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { initBackend } from '../engine/runtime/backend.ts';
import { benchAugment, benchTraining } from '../engine/training/bench.ts';
import { trainToAccuracy } from '../engine/training/to-accuracy.ts';
import { limitSplit, loadDataset } from '../engine/data/dataset.ts';
import { evaluate } from '../engine/model/evaluate.ts';
import { readDataFolder } from '../engine/data/data-folder.ts';
import { describeModel, exportModelFolder } from '../engine/model/exchange.ts';
import { readModel } from '../engine/model/model-io.ts';
import { buildIndex, type NeighbourIndex, nearestTo } from '../engine/model/neighbours.ts';
import { epochHistory } from '../engine/model/epochs.ts';
import { RUN_JSON, RunStore } from '../engine/store/runs.ts';
import { RUN_ID_PATTERN } from '../shared/types.ts';
import { checkPngFile, readPng } from '../engine/data/png.ts';
import { predictDrawing } from '../engine/model/predict.ts';
import { explain, type LayerActivation } from '../engine/model/explain.ts';
import { resolveModelDir } from '../engine/model/resolve-model.ts';
import type { tf } from '../engine/runtime/backend.ts';
import { DIGITS, IMAGE_SIZE } from '../shared/mnist.ts';
import { formatSummary, summarize } from '../shared/summary.ts';
import { limit, number, type Options, parse, specFrom } from './args.ts';
import { UsageError } from './errors.ts';

/** What `predict --explain` adds: every layer's activations and the saliency map of the top class. */
async function insideOf(model: tf.LayersModel, field: number[]): Promise<{ layers: LayerActivation[]; saliency: number[]; saliencyMethod: string }> {
  const { layers, saliency, saliencyMethod } = await explain(model, field);
  return { layers, saliency, saliencyMethod };
}

export async function summaryCommand(argv: string[]): Promise<void> {
  const { values } = parse(argv, { spec: { type: 'string' }, preset: { type: 'string' }, json: { type: 'boolean' } } as const);
  const summary = summarize(await specFrom(values));
  console.log(values.json ? JSON.stringify(summary) : formatSummary(summary));
}

export async function evaluateCommand(argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    model: { type: 'string' },
    data: { type: 'string' },
    'test-limit': { type: 'string' },
    json: { type: 'boolean' },
  } as const);
  const dir = await resolveModelDir(values.model);
  const testLimit = limit('test-limit', values['test-limit']);
  // --data: MNIST's IDX layout (its test split), or a folder of labelled images (all of them).
  const data = values.data === undefined ? null : await readDataFolder(values.data);
  const images = data?.kind === 'images' ? data.read : null;
  const test = images ? images.split : data?.kind === 'idx' ? data.dataset.test : (await loadDataset()).test;
  const backend = await initBackend({ gpu: true });
  const model = await readModel(dir);
  const result = await evaluate(model, limitSplit(test, testLimit));
  if (values.json) {
    console.log(
      JSON.stringify({
        backend,
        model: dir,
        ...(images && { data: values.data, samples: result.count, skipped: images.skipped }),
        testAccuracy: result.accuracy,
        testLoss: result.loss,
        confusion: result.confusion,
        perClassAccuracy: result.perClassAccuracy,
        perClass: result.perClass,
        errors: images ? result.errors.map((e) => ({ ...e, file: images.files[e.index] })) : result.errors,
      }),
    );
    return;
  }
  if (images) {
    const skipped = images.skipped.length;
    console.log(`model ${dir} on ${result.count} images of ${values.data}, ${skipped} file${skipped === 1 ? '' : 's'} skipped (backend: ${backend})`);
    for (const { file, reason } of images.skipped) console.log(`  skipped ${file}: ${reason}`);
  } else console.log(`model ${dir} on ${result.count} test images (backend: ${backend})`);
  console.log(`test loss: ${result.loss.toFixed(4)} - test accuracy: ${(result.accuracy * 100).toFixed(2)}%`);
  console.log('confusion (rows: true digit, columns: predicted)');
  console.log('      ' + DIGITS.map((d) => String(d).padStart(5)).join('') + '  accuracy');
  result.confusion.forEach((row, d) =>
    console.log(`  ${d}:  ${row.map((n) => String(n).padStart(5)).join('')}  ${(result.perClassAccuracy[d] * 100).toFixed(1)}%`),
  );
}

/** The most nearest training digits `predict --neighbours` lists. */
const MAX_NEIGHBOURS = 100;

/** `--history RUN_DIR`: the run store holding the run, and the run's id (its folder's name). */
function historyRun(dir: string): { store: RunStore; id: string } {
  if (!existsSync(join(dir, RUN_JSON)))
    throw new UsageError(`--history: ${dir} is not a run folder (no ${RUN_JSON}); name one that train --out DIR made under DIR`);
  const id = basename(resolve(dir));
  if (!RUN_ID_PATTERN.test(id)) throw new UsageError(`--history: ${dir} is not named like a run (such as 20261127-203000-1a2b)`);
  return { store: new RunStore(dirname(resolve(dir))), id };
}

export async function predictCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(
    argv,
    {
      model: { type: 'string' },
      json: { type: 'boolean' },
      explain: { type: 'boolean' },
      neighbours: { type: 'string' },
      history: { type: 'string' },
    } as const,
    true,
  );
  if (positionals.length === 0) throw new UsageError('predict: name at least one PNG file');
  const k = limit('neighbours', values.neighbours);
  if (k !== undefined && k > MAX_NEIGHBOURS) throw new UsageError(`--neighbours: at most ${MAX_NEIGHBOURS}, got ${k}`);
  const run = values.history === undefined ? null : historyRun(values.history);
  const dir = await resolveModelDir(values.model);
  // Every file is checked (its header only) before the model loads: a bad one stops the command with its name.
  for (const file of positionals) await checkPngFile(file);
  const backend = await initBackend();
  const model = await readModel(dir);
  if (run) await run.store.read(run.id);
  // Built on the first image with ink: a blank one needs no index, and it takes a minute to build.
  let index: Promise<NeighbourIndex> | null = null;
  const indexed = () => (index ??= loadDataset().then((dataset) => buildIndex(model, dataset.train)));
  if (!values.json) console.log(`model ${dir} (backend: ${backend})`);
  // One image at a time, each decoded only once the one before is answered: forty 4096² PNGs are never held together.
  for (const file of positionals) {
    const prediction = await predictDrawing(model, await readPng(file));
    const neighbours = k !== undefined && prediction ? await nearestTo(model, await indexed(), prediction.input, k) : null;
    const asked = run && prediction ? await epochHistory(run.store, run.id, prediction.input) : null;
    const history = asked?.epochs ?? null;
    const skipped = asked?.skipped;
    if (values.json) {
      console.log(
        JSON.stringify(
          prediction
            ? {
                file,
                label: prediction.label,
                probabilities: prediction.probabilities,
                confident: prediction.confident,
                ...(prediction.confident ? {} : { reason: prediction.reason }),
                ...(values.explain ? await insideOf(model, prediction.input) : {}),
                ...(neighbours ? { neighbours } : {}),
                ...(history ? { history } : {}),
                ...(skipped ? { skipped } : {}),
              }
            : { file, label: null, error: 'no ink in the image' },
        ),
      );
    } else if (!prediction) {
      console.log(`${file}: no ink found (an empty drawing?)`);
    } else {
      const top = prediction.probabilities
        .map((p, d) => [d, p] as const)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3);
      const unsure = prediction.confident ? '' : ` — not confident: ${prediction.reason}`;
      console.log(`${file}: ${prediction.label} (${top.map(([d, p]) => `${d}: ${(p * 100).toFixed(1)}%`).join(', ')})${unsure}`);
      if (values.explain) {
        const { layers, saliency } = await insideOf(model, prediction.input);
        for (const layer of layers)
          console.log(`  ${layer.name.padEnd(8)} ${layer.shape.join('×').padEnd(10)} max activation ${Math.max(...layer.values).toFixed(3)}`);
        const strongest = saliency.reduce((best, v, i) => (v > saliency[best] ? i : best), 0);
        console.log(`  saliency (gradient × input): strongest pixel at row ${Math.floor(strongest / IMAGE_SIZE)}, column ${strongest % IMAGE_SIZE}`);
      }
      if (neighbours)
        console.log(`  nearest training digits: ${neighbours.map((n) => `${n.label} (#${n.index}, ${n.distance.toFixed(2)})`).join(', ')}`);
      if (history?.length === 0) console.log(`  run ${run?.id} kept no per-epoch weights (trained before they were kept)`);
      for (const { epoch, label, probabilities } of history ?? [])
        console.log(`  after epoch ${epoch}: ${label} (${(probabilities[label] * 100).toFixed(1)}%)`);
      for (const { epoch, problem } of skipped ?? []) console.log(`  epoch ${epoch} skipped: ${problem}`);
    }
  }
}

export async function benchCommand(argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    batches: { type: 'string' },
    warmup: { type: 'string' },
    augment: { type: 'boolean' },
    spec: { type: 'string' },
    preset: { type: 'string' },
    seed: { type: 'string' },
    'to-accuracy': { type: 'string' },
    json: { type: 'boolean' },
  } as const);
  if (values['to-accuracy'] !== undefined) return toAccuracyCommand(values);
  const batches = number('batches', values.batches, { integer: true }) ?? 100;
  if (batches < 1) throw new UsageError('--batches: must be at least 1');
  const warmup = number('warmup', values.warmup, { integer: true }) ?? 20;
  if (warmup < 1) throw new UsageError('--warmup: must be at least 1');
  const spec = await specFrom(values);
  if (values.augment) {
    const result = await benchAugment(await loadDataset(), spec, { batches, warmup });
    if (values.json) {
      console.log(JSON.stringify(result));
      return;
    }
    console.log(`backend: ${result.without.backend} (${result.without.threads} thread${result.without.threads > 1 ? 's' : ''})`);
    console.log(
      `default LeNet-5, batch ${result.without.batchSize}, ${batches} batches after warm-up, augmentation ${JSON.stringify(result.augment)}`,
    );
    console.log(`without augmentation: ${result.without.samplesPerSecond.toFixed(0)} samples/s`);
    console.log(`with augmentation:    ${result.with.samplesPerSecond.toFixed(0)} samples/s`);
    console.log(`ratio: ${(result.ratio * 100).toFixed(1)}% (${((1 - result.ratio) * 100).toFixed(1)}% slower)`);
    return;
  }
  const result = await benchTraining(await loadDataset(), spec, { batches, warmup });
  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(`backend: ${result.backend} (${result.threads} thread${result.threads > 1 ? 's' : ''})`);
  const what = values.spec ? `the spec in ${values.spec}` : `${values.preset ?? 'default'} LeNet-5`;
  console.log(`${what}, batch ${result.batchSize}, ${result.measuredBatches} batches after warm-up`);
  console.log(`${result.samplesPerSecond.toFixed(0)} samples/s, ${result.secondsPerEpoch.toFixed(1)} s per 60,000-sample epoch`);
}

/** `bench --to-accuracy X`: train the quick preset (or --preset/--spec) until the test accuracy reaches X. */
async function toAccuracyCommand(values: Options): Promise<void> {
  const target = number('to-accuracy', values['to-accuracy']);
  if (target === undefined || target <= 0 || target >= 1) throw new UsageError('--to-accuracy: a test accuracy between 0 and 1, such as 0.988');
  const spec = await specFrom({ ...values, preset: values.preset ?? 'quick' });
  const result = await trainToAccuracy(await loadDataset(), spec, target);
  if (values.json) {
    const { seconds, epochs, testAccuracy, reached, backend, threads } = result;
    console.log(JSON.stringify({ seconds, epochs, testAccuracy, reached, backend, threads }));
  } else {
    console.log(`backend: ${result.backend} (${result.threads} thread${result.threads > 1 ? 's' : ''}), batch ${spec.batchSize}, seed ${spec.seed}`);
    const accuracy = `${(result.testAccuracy * 100).toFixed(2)}% test accuracy`;
    console.log(
      result.reached
        ? `${accuracy} after ${result.epochs} epoch${result.epochs > 1 ? 's' : ''}: ${result.seconds.toFixed(1)} s of training`
        : `not reached: ${accuracy} after all ${result.epochs} epochs (${result.seconds.toFixed(1)} s of training)`,
    );
  }
  if (!result.reached) process.exitCode = 1;
}

export async function exportCommand(argv: string[]): Promise<void> {
  const { values } = parse(argv, { model: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } } as const);
  if (!values.out) throw new UsageError('export: name the folder to write with --out DIR');
  const dir = await resolveModelDir(values.model);
  await initBackend();
  const model = await readModel(dir);
  await exportModelFolder(model, values.out, { source: dir, ...(await describeModel(values.model)) });
  console.log(
    values.json ? JSON.stringify({ model: dir, out: values.out }) : `exported ${dir} to ${values.out} (model.json, weights.bin, manifest.json)`,
  );
}
