// The command line's commands, run in this process: what `npm run cli` runs, and what the tests call.
import { explainFsError, UserError } from '../engine/errors.ts';
import { FINETUNE_DEFAULTS } from '../shared/digits.ts';
import { messageOf } from '../shared/message.ts';
import { benchCommand, evaluateCommand, exportCommand, predictCommand, summaryCommand } from './commands.ts';
import { HelpRequested, UsageError } from './errors.ts';
import { trainCommand } from './train.ts';
import { finetuneCommand } from './finetune.ts';
import { readCommand } from './read.ts';
import { datasetCommand } from './dataset.ts';

/** Every command, by name. */
export const COMMANDS = {
  summary: summaryCommand,
  train: trainCommand,
  finetune: finetuneCommand,
  evaluate: evaluateCommand,
  predict: predictCommand,
  export: exportCommand,
  bench: benchCommand,
  read: readCommand,
  dataset: datasetCommand,
} satisfies Record<string, (argv: string[]) => Promise<void>>;

/** Each command's options, as `--help` prints them. */
export const USAGE: Record<keyof typeof COMMANDS, string> = {
  summary: `summary  [--preset NAME] [--spec FILE] [--json]`,
  train: `train    [--data DIR] [--from MODEL] [--preset NAME] [--spec FILE] [--epochs N] [--batch-size N] [--learning-rate X] [--activation NAME]
           [--dropout X] [--train-limit N] [--test-limit N] [--seed N] [--out DIR] [--export DIR] [--json]
           [--augment] [--augment-shift PX] [--augment-rotation DEG] [--augment-scale X] [--augment-shear DEG]
           [--augment-thickness PX] [--augment-elastic PX]
           [--validation X] [--no-mnist]
           (--data DIR: MNIST's four IDX files, an exported collection of my digits: MNIST plus those, or labelled
           images in DIR/0/ … DIR/9/: trained beside MNIST (or alone with --no-mnist), validated on their held-out
           share --validation X, 0.2 by default; --preset reading: a reading model, see docs/number-reading.md)`,
  finetune: `finetune --data DIR [--from MODEL] [--epochs N] [--learning-rate X] [--held-out X] [--train-limit N]
           [--test-limit N] [--seed N] [--out DIR] [--export DIR] [--json]
           (MNIST plus the digits of DIR, an exported collection; --train-limit: MNIST replayed. Defaults, as in the
           window: ${FINETUNE_DEFAULTS.epochs} epochs, learning rate ${FINETUNE_DEFAULTS.learningRate}, held out ${FINETUNE_DEFAULTS.heldOut}, train limit ${FINETUNE_DEFAULTS.trainLimit})`,
  evaluate: `evaluate [--model DIR] [--data DIR] [--test-limit N] [--json]
           (--data DIR: MNIST's IDX files (their test split), or labelled images in DIR/0/ … DIR/9/ (all of them;
           the JSON adds samples and skipped: [{file, reason}]))`,
  dataset: `dataset  import FOLDER --name NAME | list | delete NAME [--user-dir DIR] [--json]
           (a folder of labelled PNG or JPEG images stored as a data set: at most 32 sets of 60,000 images,
           each file at most 16 MB and 4096×4096)`,
  predict: `predict  [--model DIR] [--explain] [--neighbours K] [--history RUN_DIR] IMAGE.png... [--json]
           (--neighbours K: the K nearest training digits; --history RUN_DIR: the prediction after each epoch of that run)`,
  export: `export   [--model DIR] --out DIR [--json]`,
  read: `read     [--model DIR] [--reader DIR] IMAGE.png... [--json]   (a whole number: each digit's box, label and confidence;
           --reader: the reading model that chooses the cuts, the bundled one by default, or --model's when it is one)`,
  bench: `bench    [--batches N] [--warmup N] [--augment] [--preset NAME] [--spec FILE] [--seed N] [--json]
         --to-accuracy X [--preset NAME] [--spec FILE] [--seed N] [--json]`,
};

const usage = (names: string[]) =>
  `usage: npm run cli -- <command> [options]   (<command> --help: that command's options)\n  ${names.map((n) => USAGE[n as keyof typeof USAGE]).join('\n  ')}`;

/** Commands by name: COMMANDS, or stand-ins in tests. */
type Commands = Record<string, (argv: string[]) => Promise<void>>;

async function main(argv: string[], commands: Commands): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage(Object.keys(COMMANDS)));
    return;
  }
  if (!Object.hasOwn(commands, name)) throw new UsageError(`unknown command ${JSON.stringify(name)}; commands: ${Object.keys(commands).join(', ')}`);
  try {
    await commands[name](rest);
  } catch (err) {
    if (!(err instanceof HelpRequested)) throw err;
    console.log(usage([name]));
  }
}

/**
 * Run the command line `argv` (without node and the script) over `commands`; resolves with the exit code: 2 for
 * what the person can fix (a UserError), 1 for a fault in the studio itself, named as one.
 */
export async function runCli(argv: string[], commands: Commands = COMMANDS): Promise<number> {
  try {
    await main(argv, commands);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (thrown) {
    // A file-system error that no command explained still names its file and is the user's to fix.
    const path = (thrown as NodeJS.ErrnoException | null)?.path;
    const err = typeof path === 'string' ? explainFsError(thrown, path) : thrown;
    if (err instanceof UsageError || err instanceof UserError) {
      console.error(`error: ${messageOf(err)}`);
      return 2;
    }
    // Nothing the person did can fix this: said so, with what failed, instead of passing it off as their mistake.
    const what = err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]}` : String(err);
    console.error(
      `error: internal fault in \`${argv[0]}\` (${what}); this is a bug in Digit Studio${process.env.DIGIT_STUDIO_DEBUG ? '' : ' (DIGIT_STUDIO_DEBUG=1 prints where)'}`,
    );
    if (process.env.DIGIT_STUDIO_DEBUG) console.error(thrown);
    return 1;
  }
}
