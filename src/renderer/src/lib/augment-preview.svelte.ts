// The augmentation preview: a batch of training digits as the ranges would transform them. A change of the
// ranges asks again after a pause in typing; "Another batch" asks at once with a new seed; a reply older than
// the newest request is dropped.
import { AugmentSchema, type AugmentSpec } from '../../../shared/augment';
import type { DatasetSamples, StudioApi } from '../../../shared/contract';
import { Latest } from './latest';

/** How many digits a preview shows. */
export const PREVIEW_COUNT = 24;
/** The pause after the last edit before the preview is asked for again. */
export const PREVIEW_DEBOUNCE_MS = 300;
const MAX_SEED = 2 ** 31 - 1;

export class AugmentPreviewState {
  samples = $state.raw<DatasetSamples | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  seed = $state(1);
  #latest = new Latest();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #augment: AugmentSpec | null = null;
  /** A reading model's preview also shows its generated "not one digit" pieces. */
  #reading = false;

  constructor(
    private readonly api: StudioApi,
    private readonly debounceMs = PREVIEW_DEBOUNCE_MS,
    private readonly randomSeed = () => Math.floor(Math.random() * MAX_SEED),
  ) {}

  /** The ranges changed: ask again once they rest (nothing is asked for ranges the schema refuses). */
  schedule(augment: AugmentSpec | undefined, reading = false): void {
    clearTimeout(this.#timer);
    this.#reading = reading;
    const checked = AugmentSchema.safeParse(augment);
    this.#augment = checked.success ? checked.data : null;
    if (!this.#augment) {
      // Drop any reply still on its way: it is for ranges no longer on screen.
      this.#latest.next();
      return;
    }
    this.#timer = setTimeout(() => void this.#fetch(), this.debounceMs);
  }

  /** A new seed, asked for at once. */
  async another(): Promise<void> {
    if (!this.#augment) return;
    clearTimeout(this.#timer);
    this.seed = this.randomSeed();
    await this.#fetch();
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#latest.next();
  }

  async #fetch(): Promise<void> {
    const augment = this.#augment;
    if (!augment) return;
    const ticket = this.#latest.next();
    this.loading = true;
    try {
      const reading = this.#reading ? { reading: true } : {};
      const samples = await this.api.invoke('training:augmentPreview', { augment, seed: this.seed, count: PREVIEW_COUNT, ...reading });
      if (!this.#latest.isCurrent(ticket)) return;
      this.samples = samples;
      this.error = null;
    } catch (err) {
      if (this.#latest.isCurrent(ticket)) this.error = `Could not draw the preview: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      if (this.#latest.isCurrent(ticket)) this.loading = false;
    }
  }
}
