// Small per-user settings (the active model and reading model), kept in settings.json and replaced atomically.
import { readOptionalJson } from './preferences.ts';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { type FileOps, realFileOps, writeFileAtomic } from './atomic.ts';
import { explainFsError } from '../errors.ts';
import { RUN_ID_PATTERN } from '../../shared/types.ts';

const ModelChoice = z.union([z.literal('bundled'), z.string().regex(RUN_ID_PATTERN)]).catch('bundled');

const SettingsSchema = z.object({
  activeModel: ModelChoice,
  /** The reading model that chooses where a written number is cut (a run trained with the reading recipe). */
  activeReader: ModelChoice.optional(),
});

export type Settings = z.infer<typeof SettingsSchema>;

const DEFAULTS: Settings = { activeModel: 'bundled' };

export class SettingsFile {
  readonly path: string;
  constructor(
    dir: string,
    private readonly fs: FileOps = realFileOps,
  ) {
    this.path = join(dir, 'settings.json');
  }

  /** The saved settings; defaults for a missing file and for any field that is not valid (it is only a preference). */
  read(): Settings {
    return readOptionalJson(this.path, SettingsSchema) ?? { ...DEFAULTS };
  }

  /** Save the settings; a failure (read-only or full disk) is a UserError naming the file. */
  async write(settings: Settings): Promise<void> {
    try {
      await this.fs.mkdir(dirname(this.path), { recursive: true });
      await writeFileAtomic(this.path, JSON.stringify(SettingsSchema.parse(settings), null, 2), this.fs);
    } catch (err) {
      throw explainFsError(err, this.path);
    }
  }
}
