// `finetune`: go on training a model on MNIST plus a folder of my digits (an exported collection), and print
// accuracy on the held-out digits and on the MNIST test split before and after, side by side.
import { initBackend } from '../engine/runtime/backend.ts';
import { readPairFolder } from '../engine/data/idx-pair.ts';
import { describeModel, exportModelFolder } from '../engine/model/exchange.ts';
import { readModel } from '../engine/model/model-io.ts';
import { resolveModelDir } from '../engine/model/resolve-model.ts';
import { defaultRunsRoot, RunStore } from '../engine/store/runs.ts';
import { checkEnoughDigits, holdOut } from '../engine/training/finetune.ts';
import { startTraining } from '../engine/training/trainer.ts';
import { FINETUNE_DEFAULTS, type FinetuneReport } from '../shared/digits.ts';
import { limit, number, parse, specFrom } from './args.ts';
import { UsageError } from './errors.ts';
import { prepareOutputFolder } from './folders.ts';
import { epochLine } from './keras-log.ts';

const OPTIONS = {
  from: { type: 'string' },
  data: { type: 'string' },
  epochs: { type: 'string' },
  'learning-rate': { type: 'string' },
  'held-out': { type: 'string' },
  'train-limit': { type: 'string' },
  'test-limit': { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  export: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const percent = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(2)}%`);

/** The before/after table. */
export function reportTable(report: FinetuneReport): string {
  const rows: [string, number | null, number | null][] = [
    [`my held-out digits (${report.heldOut})`, report.before.mine, report.after?.mine ?? null],
    ['MNIST test', report.before.mnist, report.after?.mnist ?? null],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return [
    `${''.padEnd(width)}   before    after`,
    ...rows.map(([name, before, after]) => `${name.padEnd(width)}  ${percent(before).padStart(7)}  ${percent(after).padStart(7)}`),
  ].join('\n');
}

export async function finetuneCommand(argv: string[]): Promise<void> {
  const { values } = parse(argv, OPTIONS);
  if (!values.data) throw new UsageError('finetune: name the folder of my digits with --data DIR (an exported collection)');
  const spec = await specFrom({
    ...values,
    epochs: values.epochs ?? String(FINETUNE_DEFAULTS.epochs),
    'learning-rate': values['learning-rate'] ?? String(FINETUNE_DEFAULTS.learningRate),
  });
  const share = number('held-out', values['held-out']) ?? FINETUNE_DEFAULTS.heldOut;
  if (share < 0.1 || share > 0.5) throw new UsageError(`--held-out: must be between 0.1 and 0.5, got ${share}`);
  const trainLimit = limit('train-limit', values['train-limit']) ?? FINETUNE_DEFAULTS.trainLimit;
  const testLimit = limit('test-limit', values['test-limit']);
  const fromDir = await resolveModelDir(values.from);
  const collection = await readPairFolder(values.data);
  checkEnoughDigits(collection.count);
  const { train, heldOut } = holdOut(collection, share, spec.seed);
  const runsRoot = values.out ?? defaultRunsRoot();
  await prepareOutputFolder(runsRoot);
  if (typeof values.export === 'string') await prepareOutputFolder(values.export);
  const json = values.json === true;
  if (!json) console.log(`Fine-tune ${fromDir} on MNIST plus ${train.count} digits of ${values.data} (${heldOut.count} held out)`);
  const handle = startTraining(
    { spec, trainLimit, testLimit, runsRoot, finetune: { fromDir, fromLabel: values.from ?? 'bundled LeNet-5', mine: train, heldOut } },
    (event) => {
      if (event.type !== 'epoch') return;
      console.log(
        json
          ? JSON.stringify({ event: 'epoch', runId: event.runId, ...event.metrics })
          : epochLine(event.metrics, event.metrics.samplesPerSecond * event.metrics.seconds),
      );
    },
  );
  process.on('SIGINT', () => handle.stop());
  const run = await handle.done;
  const modelDir = await new RunStore(runsRoot).checkpointDir(run.id);
  if (typeof values.export === 'string') {
    await initBackend();
    const model = await readModel(modelDir);
    await exportModelFolder(model, values.export, {
      ...(await describeModel(modelDir)),
      source: `fine-tune run ${run.id}`,
      spec,
      testAccuracy: run.finetune?.after?.mnist ?? null,
    });
  }
  if (json) {
    console.log(JSON.stringify({ event: 'done', runId: run.id, modelDir, stopped: run.status === 'stopped', finetune: run.finetune }));
    return;
  }
  if (run.finetune) console.log(reportTable(run.finetune));
  console.log(`${run.status === 'stopped' ? 'Stopped' : 'Done'}: run ${run.id}, model in ${modelDir}`);
}
