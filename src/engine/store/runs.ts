// The run store: one folder per run with its spec, its metrics (JSON lines) and its latest checkpoint.
//   runs/<id>/run.json          what the run is and which checkpoint is current (replaced atomically)
//   runs/<id>/metrics.jsonl     one JSON object per event
//   runs/<id>/ckpt-0003/        model.json + weights.bin (TF.js Layers) + optimizer state
import { existsSync } from 'node:fs';
import { appendFile, readdir, readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { tf } from '../runtime/backend.ts';
import { type FileOps, realFileOps, writeDirAtomic, writeFileAtomic } from './atomic.ts';
import { UserError } from '../errors.ts';
import { readModel, writeModel, writeOptimizer } from '../model/model-io.ts';
import type { RunRecord } from '../../shared/types.ts';

export type { RunRecord, RunStatus } from '../../shared/types.ts';

export const RUN_JSON = 'run.json';
export const METRICS_JSONL = 'metrics.jsonl';

/** The per-user data folder: $DIGIT_STUDIO_HOME, else the platform's usual place. */
export function userDataDir(): string {
  if (process.env.DIGIT_STUDIO_HOME) return process.env.DIGIT_STUDIO_HOME;
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Digit Studio');
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Digit Studio');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'digit-studio');
}

/** Where runs live by default. */
export function defaultRunsRoot(): string {
  return join(userDataDir(), 'runs');
}

/** A sortable, unique id such as `20261127-203000-1a2b`. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** Whether a process with this id exists (signal 0 only checks). */
function processAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class RunStore {
  constructor(
    readonly root: string,
    private readonly fs: FileOps = realFileOps,
  ) {}

  dir(id: string): string {
    if (!/^[\w.-]+$/.test(id)) throw new UserError(`run id ${JSON.stringify(id)} is not valid`);
    return join(this.root, id);
  }

  /** Make the folder of a new run and write its record. */
  async create(fields: Omit<RunRecord, 'id' | 'createdAt' | 'status' | 'epochsDone' | 'checkpoint'>): Promise<RunRecord> {
    const record: RunRecord = {
      id: newRunId(),
      createdAt: new Date().toISOString(),
      status: 'running',
      pid: process.pid,
      epochsDone: 0,
      checkpoint: null,
      ...fields,
    };
    await this.fs.mkdir(this.dir(record.id), { recursive: true });
    await this.writeRecord(record);
    return record;
  }

  /** Replace run.json atomically. */
  async writeRecord(record: RunRecord): Promise<void> {
    await writeFileAtomic(join(this.dir(record.id), RUN_JSON), JSON.stringify(record, null, 2), this.fs);
  }

  /** A run's record; one left 'running' by a process that no longer exists reads as stopped and interrupted. */
  async read(id: string): Promise<RunRecord> {
    const path = join(this.dir(id), RUN_JSON);
    if (!existsSync(path)) throw new UserError(`no run ${id} in ${this.root}`);
    let record: RunRecord;
    try {
      record = JSON.parse(await readFile(path, 'utf8')) as RunRecord;
    } catch {
      throw new UserError(`${path}: not valid JSON`);
    }
    if (record.status === 'running' && !processAlive(record.pid)) return { ...record, status: 'stopped', interrupted: true };
    return record;
  }

  /**
   * Save a checkpoint: a complete new folder, then run.json pointing at it, then the old folder removed.
   * A crash at any point leaves run.json naming a complete checkpoint.
   */
  async saveCheckpoint(record: RunRecord, model: tf.LayersModel, optimizer: tf.Optimizer | null): Promise<RunRecord> {
    await this.sweep(record);
    const name = `ckpt-${String(record.epochsDone).padStart(4, '0')}-${randomBytes(2).toString('hex')}`;
    await writeDirAtomic(
      join(this.dir(record.id), name),
      async (tmp) => {
        await writeModel(tmp, model, this.fs);
        if (optimizer) await writeOptimizer(tmp, optimizer, this.fs);
      },
      this.fs,
    );
    const previous = record.checkpoint;
    const next = { ...record, checkpoint: name };
    try {
      await this.writeRecord(next);
    } catch (err) {
      await rm(join(this.dir(record.id), name), { recursive: true, force: true });
      throw err;
    }
    if (previous) await this.fs.rm(join(this.dir(record.id), previous), { recursive: true, force: true });
    return next;
  }

  /** Remove what an earlier crash may have left: temporary files and checkpoints run.json does not name. */
  private async sweep(record: RunRecord): Promise<void> {
    const entries = await readdir(this.dir(record.id));
    const stale = entries.filter(
      (name) => (name.startsWith('.') && name.includes('.tmp-')) || (name.startsWith('ckpt-') && name !== record.checkpoint),
    );
    await Promise.all(stale.map((name) => rm(join(this.dir(record.id), name), { recursive: true, force: true })));
  }

  /** The current checkpoint's folder. */
  async checkpointDir(id: string): Promise<string> {
    const record = await this.read(id);
    if (!record.checkpoint) throw new UserError(`run ${id} has no saved model yet`);
    return join(this.dir(id), record.checkpoint);
  }

  async loadModel(id: string): Promise<tf.LayersModel> {
    return readModel(await this.checkpointDir(id));
  }

  /** Append one event to the run's metrics; a torn last line from a crash is skipped on reading. */
  async appendMetric(id: string, event: object): Promise<void> {
    await appendFile(join(this.dir(id), METRICS_JSONL), JSON.stringify(event) + '\n');
  }

  async readMetrics(id: string): Promise<object[]> {
    const path = join(this.dir(id), METRICS_JSONL);
    if (!existsSync(path)) return [];
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    return lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as object];
      } catch {
        return [];
      }
    });
  }

  /** Every readable run, newest first; folders without a valid run.json are passed over. */
  async list(): Promise<RunRecord[]> {
    if (!existsSync(this.root)) return [];
    const names = (await readdir(this.root, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('.'));
    const records = await Promise.all(names.map((d) => this.read(d.name).catch(() => null)));
    return records.filter((r): r is RunRecord => r !== null).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async remove(id: string): Promise<void> {
    await rm(this.dir(id), { recursive: true, force: true });
  }
}
