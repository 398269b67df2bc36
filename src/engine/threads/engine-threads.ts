// The engine as Electron's main process and the browser-mode host hold it: two engine threads they own, so
// that their own thread only routes. The owner holds everything with state (runs, training, my digits,
// settings, the active model's choice); a lane answers the heavy reads (reading a number, explaining,
// the nearest digits, the epochs' answers) beside it, so that a prediction never waits behind them.
import type { ActiveModel, EventChannel, EventPayloads, InvokeChannel, Reply } from '../../shared/contract.ts';
import type { Engine, EngineListener } from '../engine.ts';
import { UserError } from '../errors.ts';
import { logFailure } from '../log.ts';
import { spawnWorker } from '../runtime/workers.ts';
import type { StudioOptions } from '../studio.ts';
import { EngineThread, type SpawnEngine } from './engine-thread.ts';
import type { FolderJob } from './messages.ts';

/** The channels the lane answers: each computes for a while on one drawing or image and changes nothing. */
export const LANE_CHANNELS: ReadonlySet<InvokeChannel> = new Set<InvokeChannel>([
  'model:read',
  'model:explain',
  'model:neighbours',
  'model:filters',
  'runs:epochHistory',
  'runs:epochExplain',
]);

export interface EngineThreadsOptions extends Pick<StudioOptions, 'userDir' | 'dataDir' | 'transport' | 'version'> {
  /** How a thread starts: engine-worker.ts, unless a test wraps it (to kill it, say). */
  spawn?: SpawnEngine;
}

const spawnEngine: SpawnEngine = (data) => spawnWorker('engine-worker', data, import.meta.url);

/** The engine in worker threads; answers the same Engine interface as a Studio held in-thread. */
export class EngineThreads implements Engine {
  private readonly listeners = new Set<EngineListener>();
  private readonly owner: EngineThread;
  private readonly lane: EngineThread;

  private constructor({ spawn = spawnEngine, ...options }: EngineThreadsOptions) {
    this.owner = new EngineThread('engine', { options }, spawn, {
      event: ({ channel, payload }) => {
        // The lane computes with the active model too: it moves when the owner's choice does.
        if (channel === 'model:changed') void this.follow((payload as ActiveModel).id);
        this.emit(channel, payload as EventPayloads[typeof channel]);
      },
      stopped: (message) => this.emit('engine:status', { state: 'stopped', message }),
      restarted: () => this.emit('engine:status', { state: 'ready', message: "the studio's engine started again" }),
    });
    this.lane = new EngineThread('reading thread', { options: { ...options, lane: true } }, spawn, {
      // The lane trains nothing and chooses nothing: it has no events of its own to pass on.
      event: () => undefined,
      // A lane's death costs only the requests it held, each answered with the reason; it restarts quietly.
      stopped: (message) => logFailure('the reading thread', new Error(message)),
      restarted: () => undefined,
    });
  }

  /** Start both threads; rejects with the owner's (or the lane's) reason when either cannot open. */
  static async open(options: EngineThreadsOptions): Promise<EngineThreads> {
    const engine = new EngineThreads(options);
    try {
      await Promise.all([engine.owner.started, engine.lane.started]);
    } catch (err) {
      await Promise.allSettled([engine.owner.close(), engine.lane.close()]);
      throw err;
    }
    return engine;
  }

  answer(channel: unknown, payload: unknown, signal?: AbortSignal): Promise<Reply<unknown>> {
    const thread = typeof channel === 'string' && LANE_CHANNELS.has(channel as InvokeChannel) ? this.lane : this.owner;
    return thread.request({ type: 'invoke', channel, payload }, signal);
  }

  onEvent(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  exportModel(dir: string): Promise<void> {
    return this.folder('exportModel', dir) as Promise<void>;
  }

  importModel(dir: string): Promise<ActiveModel> {
    return this.folder('importModel', dir) as Promise<ActiveModel>;
  }

  exportDigits(dir: string): Promise<number> {
    return this.folder('exportDigits', dir) as Promise<number>;
  }

  importDigits(dir: string): Promise<number> {
    return this.folder('importDigits', dir) as Promise<number>;
  }

  async close(): Promise<void> {
    await Promise.all([this.owner.close(), this.lane.close()]);
  }

  private async folder(job: FolderJob, dir: string): Promise<unknown> {
    const reply = await this.owner.request({ type: 'folder', job, dir });
    if (!reply.ok) throw new UserError(reply.error);
    return reply.value;
  }

  private async follow(modelId: string): Promise<void> {
    const reply = await this.lane.request({ type: 'follow', modelId });
    if (!reply.ok) logFailure('the reading thread following the active model', new Error(reply.error));
  }

  private emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void {
    for (const listener of this.listeners) listener(channel, payload);
  }
}
