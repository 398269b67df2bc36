// Resolves what a user names as "a model": a model folder, a run folder, or nothing (the bundled one).
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { bundledModelDir } from './bundled.ts';
import { UserError } from '../errors.ts';
import { MODEL_JSON } from './model-io.ts';
import { RUN_JSON, RunStore } from '../store/runs.ts';

/** The folder holding model.json for `dir`: itself, a run's current checkpoint, or the bundled model. */
export async function resolveModelDir(dir?: string): Promise<string> {
  if (!dir) return bundledModelDir();
  if (!existsSync(dir)) throw new UserError(`${dir}: no such folder`);
  if (existsSync(join(dir, MODEL_JSON))) return dir;
  if (existsSync(join(dir, RUN_JSON))) return new RunStore(dirname(dir)).checkpointDir(basename(dir));
  throw new UserError(`${dir}: holds neither model.json nor run.json`);
}
