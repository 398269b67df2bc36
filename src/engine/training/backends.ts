// Which backend training runs on, as the studio sees it from its main thread (which itself stays on the CPU):
// what a training thread would choose by itself, what else is available with its measured speed, the
// person's choice, and the CPU again after a GPU failed in a run.
import { backendLabel, type BackendName, type BackendInfo, type BackendOptions } from '../runtime/backend.ts';
import { onWorkerFailure, spawnWorker } from '../runtime/workers.ts';
import { UserError } from '../errors.ts';
import type { BackendOption, TrainingBackend, TrainingBackendsReport } from '../../shared/contract.ts';

/** What a probe thread is asked: the backend options of a training thread, and how many batches to time (0: none). */
export interface ProbeInput {
  options: BackendOptions;
  batches: number;
}

export type ProbeReply = { info: BackendInfo; samplesPerSecond: number | null } | { error: string };

export type { BackendOption, TrainingBackend, TrainingBackendsReport };

/** Batches each backend trains while being measured (after one of warm-up). */
export const PROBE_BATCHES = 3;

/** Start a backend in a thread of its own, as a training thread would, and time `batches` batches on it. */
export function probeBackend(options: BackendOptions, batches = 0): Promise<{ info: BackendInfo; samplesPerSecond: number | null }> {
  const worker = spawnWorker('backend-probe-worker', { options, batches } satisfies ProbeInput, import.meta.url);
  return new Promise<{ info: BackendInfo; samplesPerSecond: number | null }>((resolve, reject) => {
    worker.once('message', (reply: ProbeReply) => ('error' in reply ? reject(new Error(reply.error)) : resolve(reply)));
    onWorkerFailure(worker, 'starting a backend', reject);
  }).finally(() => void worker.terminate());
}

/** The training backend: automatic (native TensorFlow → a self-checked GPU → wasm) unless the person chose one. */
export class TrainingBackends {
  private chosen: BackendName | null = null;
  private gpuFailure: string | null = null;
  private automatic: Promise<BackendInfo> | null = null;
  private measured: Promise<BackendOption[]> | null = null;

  /** `probe` starts a backend in a thread and times it (probeBackend; tests stand in for it). */
  constructor(private readonly probe: typeof probeBackend = probeBackend) {}

  /** What the next run's thread is asked for (with `chosen` the person's choice). */
  next(chosen = this.chosen): BackendOptions {
    if (this.gpuFailure && (chosen === null || chosen === 'webgpu')) return { gpu: false };
    return chosen ? { want: chosen, gpu: true } : { gpu: true };
  }

  /** What the next run trains on (with `chosen` the person's choice), with its label ("GPU: …", "CPU (WebAssembly)"). */
  async current(chosen = this.chosen): Promise<TrainingBackend> {
    const options = this.next(chosen);
    if (options.want) {
      const adapter = options.want === 'webgpu' ? (await this.options()).find((o) => o.name === 'webgpu')?.adapter : undefined;
      return { backend: options.want, backendLabel: backendLabel(options.want, adapter) };
    }
    const auto = await this.auto();
    // After a GPU failure the automatic choice skips the GPU: native TensorFlow where it runs, else wasm.
    const backend = !options.gpu && auto.name === 'webgpu' ? 'wasm' : auto.name;
    return { backend, backendLabel: backendLabel(backend, auto.adapter), ...(this.gpuFailure && { gpuFailure: this.gpuFailure }) };
  }

  /** The backends on offer with their speeds, the person's choice (null: automatic), and what the next run trains on. */
  report(): Promise<TrainingBackendsReport> {
    return this.reportFor(this.chosen);
  }

  /** The report as it stands with `chosen` the choice: each reply says what its own choice gives, even among parallel ones. */
  private async reportFor(chosen: BackendName | null): Promise<TrainingBackendsReport> {
    return { options: await this.options(), chosen, ...(await this.current(chosen)) };
  }

  /** Every backend a run could train on, each measured once (on first asking). */
  options(): Promise<BackendOption[]> {
    this.measured ??= this.measure();
    return this.measured;
  }

  /**
   * Train the next runs on `name`, or automatically (null), and say what that gives. A backend measured as
   * unavailable is refused, naming why, and the choice stays as it was. Choosing the GPU again forgives its last failure.
   */
  async choose(name: BackendName | null): Promise<TrainingBackendsReport> {
    if (name !== null) {
      const option = (await this.options()).find((o) => o.name === name);
      if (option?.problem) throw new UserError(`${option.label} cannot train on this machine: ${option.problem}`);
    }
    this.chosen = name;
    if (name === 'webgpu') this.gpuFailure = null;
    return this.reportFor(name);
  }

  /** A run failed because its GPU did (no adapter, a failed self-check, a lost device): the next ones train on the CPU. */
  gpuFailed(message: string): void {
    this.gpuFailure = message;
  }

  private auto(): Promise<BackendInfo> {
    this.automatic ??= this.probe({ gpu: true }).then(({ info }) => info);
    return this.automatic;
  }

  private async measure(): Promise<BackendOption[]> {
    const candidates: BackendName[] = ['tensorflow', 'webgpu', 'wasm'];
    const options: BackendOption[] = [];
    // One at a time: measured side by side, each would slow the others down.
    for (const name of candidates) {
      try {
        const { info, samplesPerSecond } = await this.probe({ want: name, gpu: true }, PROBE_BATCHES);
        options.push({ name, label: backendLabel(name, info.adapter), samplesPerSecond, ...(info.adapter && { adapter: info.adapter }) });
      } catch (err) {
        options.push({ name, label: backendLabel(name), samplesPerSecond: null, problem: err instanceof Error ? err.message : String(err) });
      }
    }
    return options;
  }
}
