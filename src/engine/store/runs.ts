// The run store: one folder per run with its spec, its metrics (JSON lines) and its latest checkpoint.
//   runs/<id>/run.json          what the run is and which checkpoint is current (replaced atomically)
//   runs/<id>/metrics.jsonl     one JSON object per event
//   runs/<id>/ckpt-0003-9f2c/   model.json + weights.bin (TF.js Layers) + optimizer state + record.json (run.json's copy)
//   runs/<id>/ckpt-0002-41aa/   the checkpoint before, kept until the next save: a damaged current one falls back to it
//   runs/<id>/epoch-0001/ …     the model after each finished epoch (model.json + weights.bin, no optimizer state)
// The folder's name is the run's id; every path is built from names checked against the store's own shapes.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { tf } from '../runtime/backend.ts';
import { type FileOps, realFileOps, writeDirAtomic, writeFileAtomic } from './atomic.ts';
import { errnoOf, explainFsError, UserError } from '../errors.ts';
import { MODEL_JSON, readModel, WEIGHTS_BIN, writeModel, writeOptimizer } from '../model/model-io.ts';
import { RUN_ID_PATTERN, type RunListEntry, type RunRecord } from '../../shared/types.ts';
import { inside, newRunId } from './paths.ts';
import { annotated, interpret, type Annotation } from './records.ts';

export { annotated, DIED_BEFORE_CHECKPOINT, type Annotation } from './records.ts';
import { EPOCH_PATTERN, epochName, epochOf, newestWholeCopy, newestWholeEpoch, RECORD_COPY, savedModelProblem, wholeCopy } from './checkpoints.ts';
import { describeIssues, EpochMetricsSchema, type MetricLine, MetricLineSchema, RunRecordSchema } from './schemas.ts';
import { cleanHistory, type History } from './history.ts';
import { messageOf } from '../../shared/message.ts';

export type { RunListEntry, RunRecord, RunStatus } from '../../shared/types.ts';

export const RUN_JSON = 'run.json';
export const METRICS_JSONL = 'metrics.jsonl';

// A temporary entry younger than this may belong to a save in progress in another process (the CLI).
const TEMP_GRACE_MS = 60_000;
const isTempName = (name: string) => name.startsWith('.') && /\.tmp-[0-9a-f]{8}$/.test(name);

export { defaultRunsRoot, newRunId, userDataDir } from './paths.ts';

/** What recover() did, for logs and the fault-injection script. */
export interface Recovery {
  /** Temporary and orphan folders removed. */
  swept: string[];
  /** Runs whose record or metrics were repaired. */
  repaired: string[];
}

export class RunStore {
  /** Metrics files this store has appended to: each ends with a whole line from then on. */
  private readonly appended = new Set<string>();

  constructor(
    readonly root: string,
    private readonly fs: FileOps = realFileOps,
  ) {}

  /** The folder of run `id`; only an id of the shape newRunId() makes is accepted, so it is one folder inside root. */
  dir(id: string): string {
    if (!RUN_ID_PATTERN.test(id)) throw new UserError(`run id ${JSON.stringify(id)} is not valid`);
    return inside(this.root, id);
  }

  /** A file or folder of run `id`, checked to stay inside the run's folder. */
  private path(id: string, name: string): string {
    return inside(this.dir(id), name);
  }

  /** Make the folder of a new run with its record; a kill half-way leaves only a temporary folder, swept on open. */
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
    const dir = this.dir(record.id);
    try {
      await writeDirAtomic(dir, (tmp) => this.fs.writeFile(join(tmp, RUN_JSON), serialize(record)), this.fs);
    } catch (err) {
      throw explainFsError(err, dir);
    }
    return record;
  }

  /** Replace run.json atomically (checked against the schema first: the store never writes what it could not read). */
  async writeRecord(record: RunRecord): Promise<void> {
    const path = this.path(record.id, RUN_JSON);
    try {
      await writeFileAtomic(path, serialize(record), this.fs);
    } catch (err) {
      throw explainFsError(err, path);
    }
  }

  /**
   * Write a person's name and notes into run.json. Only for a run no process is training: a trainer keeps its
   * own copy of the record and would write over them (the studio sends those to its trainer instead).
   */
  async annotate(id: string, annotation: Annotation): Promise<RunRecord> {
    const record = await this.read(id);
    if (record.status === 'running') throw new UserError(`run ${id} is training in another process (${record.pid}); name it once it ends`);
    const next = annotated(record, annotation);
    await this.writeRecord(next);
    return next;
  }

  /**
   * A run's record. One left 'running' by a process that no longer exists reads as interrupted: stopped when it
   * has a checkpoint to resume from, failed when it died before its first one (nothing to resume: delete it),
   * done when its last epoch was saved.
   */
  async read(id: string): Promise<RunRecord> {
    return interpret(await this.stored(id));
  }

  /** run.json as it is on disk, checked against the schema. */
  private async stored(id: string): Promise<RunRecord> {
    const path = this.path(id, RUN_JSON);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw errnoOf(err) === 'ENOENT' ? new UserError(`no run ${id} in ${this.root}`) : explainFsError(err, path);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new UserError(`${path}: not valid JSON`);
    }
    const parsed = RunRecordSchema.safeParse(json);
    if (!parsed.success) throw new UserError(`${path}: not a run record (${describeIssues(parsed.error)})`);
    // The folder's name is the id, whatever the file says: a planted id steers nothing.
    return { ...parsed.data, id };
  }

  /**
   * Save a checkpoint: the finished epoch's weights (when training saves at an epoch's end), a complete new
   * folder holding a copy of the record that names it, then run.json pointing at it, then the checkpoint before
   * the previous one removed. A crash or a full disk at any point leaves run.json naming a complete checkpoint,
   * the one before it, and every finished epoch's weights. Imports (no optimizer) keep no epoch weights: they
   * trained no epoch here.
   */
  async saveCheckpoint(record: RunRecord, model: tf.LayersModel, optimizer: tf.Optimizer | null): Promise<RunRecord> {
    // Checked before anything is written: a record whose checkpoint leads out of the run deletes nothing.
    if (record.checkpoint) this.path(record.id, record.checkpoint);
    const older = record.previousCheckpoint && this.path(record.id, record.previousCheckpoint);
    await this.sweep(record);
    // A stop mid-epoch saves with the epoch count of the checkpoint before: its weights are no finished epoch's.
    const finished = optimizer !== null && record.epochsDone > 0 && !(record.checkpoint && epochOf(record.checkpoint) >= record.epochsDone);
    if (finished) await this.saveEpoch(record.id, record.epochsDone, model);
    const name = `ckpt-${String(record.epochsDone).padStart(4, '0')}-${randomBytes(2).toString('hex')}`;
    const dir = this.path(record.id, name);
    const next: RunRecord = { ...record, checkpoint: name, previousCheckpoint: record.checkpoint ?? undefined };
    if (!next.previousCheckpoint) delete next.previousCheckpoint;
    try {
      await writeDirAtomic(
        dir,
        async (tmp) => {
          await writeModel(tmp, model, this.fs);
          if (optimizer) await writeOptimizer(tmp, optimizer, this.fs);
          await this.fs.writeFile(join(tmp, RECORD_COPY), serialize(next));
        },
        this.fs,
      );
    } catch (err) {
      if (finished) await this.dropEpoch(record.id, record.epochsDone);
      throw explainFsError(err, this.dir(record.id));
    }
    try {
      await this.writeRecord(next);
    } catch (err) {
      await this.fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
      if (finished) await this.dropEpoch(record.id, record.epochsDone);
      throw err;
    }
    if (older) await this.fs.rm(older, { recursive: true, force: true }).catch(() => undefined);
    return next;
  }

  /** Keep the model after epoch `epoch` (replacing an earlier try at that epoch, from before a fallback). */
  private async saveEpoch(id: string, epoch: number, model: tf.LayersModel): Promise<void> {
    const dir = this.path(id, epochName(epoch));
    try {
      await this.fs.rm(dir, { recursive: true, force: true });
      await writeDirAtomic(dir, (tmp) => writeModel(tmp, model, this.fs), this.fs);
    } catch (err) {
      throw explainFsError(err, this.dir(id));
    }
  }

  /** Remove epoch `epoch`'s weights after its checkpoint failed (best effort: recovery sweeps what is left). */
  private async dropEpoch(id: string, epoch: number): Promise<void> {
    await this.fs.rm(this.path(id, epochName(epoch)), { recursive: true, force: true }).catch(() => undefined);
  }

  /** The epochs whose weights run `id` kept, in order (none for a run from before they were kept). */
  async keptEpochs(id: string): Promise<number[]> {
    const record = await this.read(id);
    const names = await readdir(this.dir(id)).catch(() => []);
    return names
      .filter((name) => EPOCH_PATTERN.test(name))
      .map(epochOf)
      .filter((epoch) => epoch <= record.epochsDone)
      .sort((a, b) => a - b);
  }

  /** The folder of epoch `epoch`'s weights in run `id`. */
  epochDir(id: string, epoch: number): string {
    return this.path(id, epochName(epoch));
  }

  /**
   * Remove what an earlier crash may have left in a run: temporary files, checkpoints run.json does not name,
   * and weights of epochs past the record's (saved just before a kill, or beyond a fallback).
   */
  private async sweep(record: RunRecord): Promise<string[]> {
    const entries = await readdir(this.dir(record.id));
    const named = new Set([record.checkpoint, record.previousCheckpoint]);
    const stale = entries.filter(
      (name) => isTempName(name) || (name.startsWith('ckpt-') && !named.has(name)) || (EPOCH_PATTERN.test(name) && epochOf(name) > record.epochsDone),
    );
    await Promise.all(stale.map((name) => this.fs.rm(this.path(record.id, name), { recursive: true, force: true })));
    return stale;
  }

  /**
   * Run `record`, whose checkpoints are both damaged, with a new checkpoint made from its newest whole epoch's
   * model (no optimizer state: a resume starts Adam afresh); failed, naming the damage, when no epoch is whole.
   */
  private async fromEpochCopy(record: RunRecord): Promise<RunRecord> {
    const { id } = record;
    const epoch = await newestWholeEpoch(this.dir(id), record.epochsDone);
    if (epoch === null) {
      const problem = await savedModelProblem(this.path(id, record.checkpoint!));
      return { ...record, status: 'failed', pid: undefined, error: `its saved model is damaged (${problem}) and no epoch's copy is whole` };
    }
    const name = `ckpt-${String(epoch).padStart(4, '0')}-${randomBytes(2).toString('hex')}`;
    const last = (await this.readMetrics(id)).find((m) => m.event === 'epoch' && m.epoch === epoch);
    const next = interpret({ ...record, epochsDone: epoch, checkpoint: name, status: 'running', pid: undefined, error: undefined });
    delete next.previousCheckpoint;
    if (last?.event === 'epoch') next.last = EpochMetricsSchema.parse(last);
    else delete next.last;
    const from = this.path(id, epochName(epoch));
    await writeDirAtomic(
      this.path(id, name),
      async (tmp) => {
        for (const file of [MODEL_JSON, WEIGHTS_BIN]) await this.fs.writeFile(join(tmp, file), await readFile(join(from, file)));
        await this.fs.writeFile(join(tmp, RECORD_COPY), serialize(next));
      },
      this.fs,
    );
    return next;
  }

  /** The current checkpoint's folder. */
  async checkpointDir(id: string): Promise<string> {
    const record = await this.read(id);
    if (!record.checkpoint) throw new UserError(`run ${id} has no saved model yet`);
    return this.path(id, record.checkpoint);
  }

  async loadModel(id: string): Promise<tf.LayersModel> {
    return readModel(await this.checkpointDir(id));
  }

  /** Append one event to the run's metrics; a torn last line from a crash is skipped on reading. */
  async appendMetric(id: string, event: MetricLine): Promise<void> {
    const path = this.path(id, METRICS_JSONL);
    try {
      // The first append of this store to a file a crash tore starts a new line, so that it is not glued to the torn one.
      const lead = this.appended.has(path) || (await endsLine(path)) ? '' : '\n';
      await this.fs.appendFile(path, lead + JSON.stringify(event) + '\n');
      this.appended.add(path);
    } catch (err) {
      throw explainFsError(err, path);
    }
  }

  /** Every well-formed line of the run's metrics, in order; torn or foreign lines are skipped. */
  async readMetrics(id: string): Promise<MetricLine[]> {
    const path = this.path(id, METRICS_JSONL);
    if (!existsSync(path)) return [];
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw explainFsError(err, path);
    }
    return text.split('\n').flatMap((line) => {
      try {
        const parsed = MetricLineSchema.safeParse(JSON.parse(line));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    });
  }

  /** The run's curves as one clean run (see cleanHistory). */
  async history(id: string): Promise<History> {
    const record = await this.read(id);
    return cleanHistory(await this.readMetrics(id), record, record.status === 'running');
  }

  /** Every run folder, newest first: readable ones as their record, the others as unreadable with the reason. */
  async list(): Promise<RunListEntry[]> {
    if (!existsSync(this.root)) return [];
    const ids = (await readdir(this.root, { withFileTypes: true })).filter((d) => d.isDirectory() && RUN_ID_PATTERN.test(d.name)).map((d) => d.name);
    const entries = await Promise.all(
      ids.map((id): Promise<RunListEntry> => this.read(id).catch((err: unknown) => ({ id, status: 'unreadable', error: messageOf(err) }))),
    );
    // The id starts with its creation time to the second; createdAt breaks ties within a second.
    const key = (e: RunListEntry) => `${e.id.slice(0, 15)} ${e.status === 'unreadable' ? '' : e.createdAt}`;
    return entries.sort((a, b) => key(b).localeCompare(key(a)));
  }

  /** Delete a run's folder; a run that is training is refused. */
  /** Refuse, before anything changes, to delete a run that a process (this one or another) is training. */
  async checkRemovable(id: string): Promise<void> {
    const record = await this.read(id).catch(() => null);
    if (record?.status === 'running') throw new UserError(`run ${id} is training (process ${record.pid}); stop it before deleting it`);
  }

  async remove(id: string): Promise<void> {
    await this.checkRemovable(id);
    await this.discard(id);
  }

  /**
   * Delete a run this process made and never finished (a failed import), whatever its record says: it names this
   * process as training it, which would refuse `remove`.
   */
  async discard(id: string): Promise<void> {
    const dir = this.dir(id);
    try {
      await this.fs.rm(dir, { recursive: true, force: true });
    } catch (err) {
      throw explainFsError(err, dir);
    }
  }

  /**
   * Repair what kills and crashes leave, once when the store is opened: temporary folders, run folders that never
   * got their run.json, stale checkpoints, interrupted runs still saying 'running', and an epoch's metrics line
   * lost between its checkpoint and its append (rebuilt from the record). Best effort: what cannot be written
   * (a read-only disk) stays as it is and is still read correctly. Called by the store's one owner as it opens,
   * so a run still 'running' under this very process was trained by an engine thread that has since died.
   */
  async recover(now = Date.now()): Promise<Recovery> {
    const done: Recovery = { swept: [], repaired: [] };
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(this.root, entry.name);
      try {
        if (isTempName(entry.name)) {
          if (now - (await stat(path)).mtimeMs < TEMP_GRACE_MS) continue;
          await this.fs.rm(path, { recursive: true, force: true });
          done.swept.push(entry.name);
        } else if (entry.isDirectory() && RUN_ID_PATTERN.test(entry.name)) {
          const leftovers = (name: string) => isTempName(name) || name.startsWith('ckpt-') || EPOCH_PATTERN.test(name);
          if (!existsSync(join(path, RUN_JSON)) && (await readdir(path)).every(leftovers)) {
            // Made by an older version between mkdir and run.json: nothing in it can be read back.
            await this.fs.rm(path, { recursive: true, force: true });
            done.swept.push(entry.name);
          } else if (await this.repair(entry.name)) {
            done.repaired.push(entry.name);
          }
        }
      } catch {
        // Left as it is: list() shows an unreadable run as such, and a read-only disk keeps what it has.
      }
    }
    return done;
  }

  /**
   * Repair one run that no process is training; true when something was written. A damaged run.json is
   * rebuilt from the newest whole checkpoint's copy of it; a damaged current checkpoint falls back to the one
   * before (the run then resumes from that epoch), and with both damaged to the newest whole epoch's model (the
   * run resumes from there with a fresh optimizer). With nothing whole left the run is failed, naming the damage.
   */
  private async repair(id: string): Promise<boolean> {
    let rebuilt = false;
    const stored = await this.stored(id).catch(async (err: unknown) => {
      const copy = await newestWholeCopy(this.dir(id), id);
      if (!copy) throw err;
      rebuilt = true;
      // The copy names the process that saved it; a damaged run.json is no sign that one still trains it.
      return { ...copy, pid: undefined };
    });
    let record = interpret(stored, { ownProcessGone: true });
    if (record.status === 'running') return false;
    if (record.checkpoint && (await savedModelProblem(this.path(id, record.checkpoint)))) {
      const previous = record.previousCheckpoint ? await wholeCopy(this.dir(id), id, record.previousCheckpoint) : null;
      if (previous) {
        // Named and noted as the person last left it; trained as far as the checkpoint it falls back to.
        record = interpret({ ...previous, name: record.name, notes: record.notes, status: 'running', pid: undefined }, { ownProcessGone: true });
        if (!record.name) delete record.name;
        if (!record.notes) delete record.notes;
        rebuilt = true;
      } else {
        record = await this.fromEpochCopy(record);
        rebuilt = true;
      }
    }
    if (rebuilt) await this.writeRecord(record);
    let changed = (await this.sweep(record)).length > 0 || rebuilt;
    // Written down, so that the run reads the same even if its old process id is ever reused.
    if (stored.status !== record.status) {
      await this.writeRecord(record);
      changed = true;
    }
    const { last } = record;
    if (last && last.epoch === record.epochsDone && !(await this.readMetrics(id)).some((m) => m.event === 'epoch' && m.epoch === last.epoch)) {
      await this.appendMetric(id, { event: 'epoch', ...last });
      changed = true;
    }
    return changed;
  }
}

/** Whether a file is missing, empty, or ends with a newline. */
async function endsLine(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return true;
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const { buffer } = await handle.read(Buffer.alloc(1), 0, 1, size - 1);
    return buffer[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

function serialize(record: RunRecord): string {
  return JSON.stringify(RunRecordSchema.parse(record), null, 2);
}
