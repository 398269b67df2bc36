// The time left in a run, from the batches measured after warm-up: the first steps compile kernels and
// start the replica threads, and counting them made the first estimates 40–60 times too long.
/** Batches at the start of a run whose times are not used. */
export const WARMUP_BATCHES = 3;
/** How many recent batches the throughput is measured over. */
const RECENT_BATCHES = 20;
// Validation runs only the forward pass: about a third of a training step's work per sample. Used until
// the first validation pass has been timed.
const VALIDATION_COST = 1 / 3;

/** Measures batches and validation passes, and estimates what is left. */
export class EtaEstimator {
  private batches = 0;
  private recent: { samples: number; seconds: number }[] = [];
  private validationSeconds: number | null = null;

  /** `validationSamples`: how many samples each validation pass evaluates. */
  constructor(private readonly validationSamples: number) {}

  /** A batch of `samples` took `seconds`, from the end of the one before. */
  batch(samples: number, seconds: number): void {
    if (++this.batches <= WARMUP_BATCHES) return;
    this.recent.push({ samples, seconds });
    if (this.recent.length > RECENT_BATCHES) this.recent.shift();
  }

  /** A validation pass took `seconds`. */
  validation(seconds: number): void {
    this.validationSeconds = seconds;
  }

  /** Seconds to train `samples` more and run `validations` more passes; null while warming up. */
  remaining(samples: number, validations: number): number | null {
    if (this.recent.length === 0) return null;
    const perSample = this.recent.reduce((sum, b) => sum + b.seconds, 0) / this.recent.reduce((sum, b) => sum + b.samples, 0);
    const validation = this.validationSeconds ?? this.validationSamples * perSample * VALIDATION_COST;
    return samples * perSample + validations * validation;
  }
}
