// How long training would take: a measured or rough speed, each training thread's start-up, and a range that
// says how sure the figure is.

/** Samples per second assumed for the time estimate before any run was measured (the wasm fallback on 2 cores). */
export const ROUGH_SAMPLES_PER_SECOND = 5000;
/**
 * Seconds from Start to the first batch: a training thread starts, picks its backend and reads MNIST. Measured
 * at 4 to 7.5 s per run on the 2-core machine of issue 18 (wasm fallback), so the estimate adds the middle.
 */
export const STARTUP_SECONDS = { low: 4, typical: 6, high: 7.5 } as const;
/** A run whose epochs saw fewer samples than this measured mostly its warm-up: its speed is not used. */
export const MIN_MEASURED_SAMPLES = 10_000;

/** A validation sample costs about a third of a training sample (a forward pass only). */
export const VALIDATION_COST = 1 / 3;

/** What this machine measured of a whole run started in this window: its start-up, and its speed with validation. */
export interface MeasuredRun {
  startupSeconds: number;
  samplesPerSecond: number;
  /** How many training samples it went through (epochs × samples): a short run measures mostly its warm-up. */
  samples: number;
  /** The run's name as banners say it. */
  by: string;
}

/** Where a run's time went: Start pressed, its first batch seen, its end; the work it did, in samples. */
export function measureRun(
  times: { launchedAt: number; firstBatchAt: number; doneAt: number },
  work: { epochs: number; train: number; validation: number },
  by: string,
): MeasuredRun | null {
  const training = (times.doneAt - times.firstBatchAt) / 1000;
  const samples = work.epochs * (work.train + work.validation * VALIDATION_COST);
  if (!(training > 0) || !(samples > 0)) return null;
  return {
    startupSeconds: Math.max(0, (times.firstBatchAt - times.launchedAt) / 1000),
    samplesPerSecond: samples / training,
    samples: work.epochs * work.train,
    by,
  };
}

/** How long a run would take: the most likely time and a range, and where the speed came from. */
export interface Estimate {
  samples: number;
  epochs: number;
  seconds: number;
  low: number;
  high: number;
  samplesPerSecond: number;
  /** The run whose whole epochs gave the speed, or null for the rough figure. */
  measuredBy: string | null;
  measured: boolean;
  /** Seconds for a training thread to start: measured by the last run started here, else the typical figure. */
  startupSeconds: number;
  startupMeasured: boolean;
}

/** The time `runs` trainings of `samples × epochs` take at `samplesPerSecond`, each with its start-up (measured, or the typical range). */
export function estimateSeconds(
  runs: number,
  work: number,
  samplesPerSecond: number,
  measured: boolean,
  startupSeconds: number | null = null,
): Pick<Estimate, 'seconds' | 'low' | 'high'> {
  const seconds = work / samplesPerSecond;
  // A measured speed varies by about a quarter between runs here; the rough figure can be off twofold faster
  // (native TensorFlow) and threefold slower (a busy machine).
  const [slow, fast] = measured ? [1.25, 0.8] : [3, 0.5];
  const startup = startupSeconds === null ? STARTUP_SECONDS : { low: startupSeconds * 0.8, typical: startupSeconds, high: startupSeconds * 1.25 };
  return {
    seconds: runs * startup.typical + seconds,
    low: runs * startup.low + seconds * fast,
    high: runs * startup.high + seconds * slow,
  };
}
