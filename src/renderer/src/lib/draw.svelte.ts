// What the Draw place shows: the model's input and its answer for the drawing on the pad. Each drawing
// is preprocessed here (the engine's own function) and sent once; the newest request wins; a change of
// active model asks again for the drawing on screen.
import { tick } from 'svelte';
import type { RawImage } from '../../../shared/preprocess';
import { readDrawing, type InkSummary } from '../../../shared/ink';
import { type Ask, Newest } from './newest';
import type { StudioState } from './studio.svelte';

/** The Draw place's state; `dispose()` drops its event subscription. */
/** One prediction asked for: the drawing's field and ink, and when its stroke ended (null for none). */
interface PredictJob {
  field: Float32Array;
  ink: InkSummary | undefined;
  endedAt: number | null;
}

export class DrawState {
  /** The 28×28 image the model sees (0–1), or null for an empty drawing. */
  field = $state.raw<Float32Array | null>(null);
  probabilities = $state.raw<number[] | null>(null);
  label = $derived(this.probabilities ? this.probabilities.indexOf(Math.max(...this.probabilities)) : null);
  /** False when the model is unsure or the ink too little to mean anything; `reason` says which. */
  confident = $state(true);
  reason = $state<string | null>(null);
  /** Why there is no answer, when it is not simply an empty pad. */
  problem = $state<string | null>(null);
  /** Stroke end to bars on screen, for the last stroke. */
  latencyMs = $state<number | null>(null);
  /** When the last stroke ended (performance.now()), for the end-to-end timings. */
  endedAt = $state<number | null>(null);
  predictions = $state(0);
  readonly dispose: () => void;
  /** Newest input wins: a newer drawing cancels a prediction still out, and only the newest is shown. */
  #asks = new Newest((job: PredictJob, ask: Ask) => this.#predict(job, ask));
  /** How large the drawing on screen is on its canvas: the engine calls a dot too little ink from it. */
  #ink: InkSummary | undefined;

  constructor(private readonly studio: StudioState) {
    this.dispose = studio.api.on('model:changed', () => {
      if (this.field) void this.#ask(this.field, this.#ink, null);
    });
  }

  /** Predict a drawing (the pad's pixels or an opened image); `endedAt` times a finished stroke. */
  async predict(image: RawImage, endedAt: number | null): Promise<void> {
    const drawing = readDrawing(image);
    if (!drawing) {
      this.#asks.drop();
      this.field = null;
      this.probabilities = null;
      this.confident = true;
      this.reason = null;
      this.latencyMs = null;
      this.problem = null;
      return;
    }
    if (endedAt !== null) this.endedAt = endedAt;
    await this.#ask(drawing.field, drawing.ink, endedAt);
  }

  #ask(field: Float32Array, ink: InkSummary | undefined, endedAt: number | null): Promise<void> {
    return this.#asks.run({ field, ink, endedAt });
  }

  async #predict({ field, ink, endedAt }: PredictJob, { signal, isCurrent }: Ask): Promise<void> {
    try {
      const result = await this.studio.api.invoke('model:predict', { field: Array.from(field), ink }, { signal });
      if (!isCurrent()) return;
      this.field = field;
      this.#ink = ink;
      this.probabilities = result.probabilities;
      this.confident = result.confident;
      this.reason = result.confident ? null : (result.reason ?? 'the model is unsure');
      this.problem = null;
      this.predictions++;
      if (endedAt !== null) {
        await tick();
        this.latencyMs = performance.now() - endedAt;
      }
    } catch (err) {
      if (!isCurrent()) return;
      this.field = field;
      this.#ink = ink;
      this.probabilities = null;
      this.problem = this.studio.disconnected
        ? 'The connection to the studio is lost: no predictions until it is back.'
        : `Could not predict: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
}
