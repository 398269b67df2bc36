// `read`: the whole number written in each image, digit by digit, with each digit's box and confidence.
import { initBackend } from '../engine/runtime/backend.ts';
import { readModel } from '../engine/model/model-io.ts';
import { checkPngFile, readPng } from '../engine/data/png.ts';
import { isReadingModel, readNumberImage } from '../engine/model/read.ts';
import { bundledReadingDir } from '../engine/model/bundled.ts';
import { resolveModelDir } from '../engine/model/resolve-model.ts';
import { parse } from './args.ts';
import { UsageError } from './errors.ts';

export async function readCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { model: { type: 'string' }, reader: { type: 'string' }, json: { type: 'boolean' } } as const, true);
  if (positionals.length === 0) throw new UsageError('read: name at least one PNG file');
  const dir = await resolveModelDir(values.model);
  // Every file is checked (its header only) before the model loads: a bad one stops the command with its name.
  for (const file of positionals) await checkPngFile(file);
  const backend = await initBackend();
  const model = await readModel(dir);
  // The cuts are chosen by a reading model: --model's own when it is one, else --reader's or the bundled one.
  const judge = isReadingModel(model)
    ? model
    : await readModel(values.reader === undefined ? bundledReadingDir() : await resolveModelDir(values.reader));
  if (!isReadingModel(judge)) throw new UsageError(`--reader: ${values.reader} is not a reading model (train one with --preset reading)`);
  if (!values.json) console.log(`model ${dir} (backend: ${backend})`);
  // One image at a time, decoded once the one before is answered: forty 4096² PNGs are never held together.
  for (const file of positionals) {
    const reading = await readNumberImage(model, await readPng(file), file, judge);
    if (values.json) {
      const digits = reading.digits.map(({ box, label, probabilities, confident, reason }) => ({
        box,
        label,
        probabilities,
        confident,
        ...(confident ? {} : { reason }),
      }));
      console.log(JSON.stringify({ file, number: reading.number, digits }));
      continue;
    }
    const unsure = reading.digits.filter((d) => !d.confident).map((d, k) => `digit ${k + 1} (${d.label}): ${d.reason}`);
    const per = reading.digits.map((d) => `${d.label} ${(Math.max(...d.probabilities) * 100).toFixed(0)}%${d.confident ? '' : '?'}`).join(', ');
    console.log(`${file}: ${reading.number} (${per})${unsure.length ? ` — not confident: ${unsure.join('; ')}` : ''}`);
  }
}
