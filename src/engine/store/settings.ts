// Small per-user settings (the active model), kept in settings.json and replaced atomically.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from './atomic.ts';

export interface Settings {
  activeModel: string;
}

const DEFAULTS: Settings = { activeModel: 'bundled' };

export class SettingsFile {
  readonly path: string;
  constructor(dir: string) {
    this.path = join(dir, 'settings.json');
  }

  /** The saved settings; defaults when the file is missing or unreadable (it is only a preference). */
  read(): Settings {
    if (!existsSync(this.path)) return { ...DEFAULTS };
    try {
      return { ...DEFAULTS, ...(JSON.parse(readFileSync(this.path, 'utf8')) as Partial<Settings>) };
    } catch {
      return { ...DEFAULTS };
    }
  }

  async write(settings: Settings): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await writeFileAtomic(this.path, JSON.stringify(settings, null, 2));
  }
}
