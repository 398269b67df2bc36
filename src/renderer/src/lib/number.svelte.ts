// What Draw's number mode shows: the number read from the wide pad, an opened image or the camera, each
// digit's box and answer, and the digit the person picked. The newest request wins; a change of active
// model reads the same input again.
import type { NumberReading, ReadInput } from '../../../shared/contract';
import type { Stroke } from '../../../shared/digits';
import { SaveDigitState } from './save-digit.svelte';
import { type Ask, Newest } from './newest';
import type { StudioState } from './studio.svelte';

/** Where a reading came from: its boxes are in this source's pixels. */
export type NumberSource = 'pad' | 'image' | 'camera';

/** One reading asked for: the input, where it came from, and its size. */
interface ReadJob {
  input: ReadInput;
  source: NumberSource;
  size: { width: number; height: number };
}

export class NumberState {
  reading = $state.raw<NumberReading | null>(null);
  source = $state<NumberSource>('pad');
  /** The size of what was read (pad, image or camera frame), for placing the boxes over it. */
  size = $state.raw<{ width: number; height: number } | null>(null);
  /** The digit picked for a closer look (index into reading.digits). */
  selected = $state<number | null>(null);
  problem = $state<string | null>(null);
  /** Replies applied so far (for tests and the e2e: a count, never a time). */
  readings = $state(0);
  busy = $state(false);
  /** A new picture is coming (an opened image, the camera just started): what the window says it is reading. */
  waiting = $state<'image' | 'camera' | null>(null);
  readonly saver: SaveDigitState;
  readonly dispose: () => void;
  #input: ReadInput | null = null;
  /** Newest input wins: a stroke or camera frame cancels a reading still waiting in the engine. */
  #asks = new Newest((job: ReadJob, ask: Ask) => this.#read(job, ask));

  constructor(private readonly studio: StudioState) {
    this.saver = new SaveDigitState(studio);
    this.dispose = studio.api.on('model:changed', () => {
      if (this.#input && this.size) void this.#ask(this.#input, this.source, this.size);
    });
  }

  /** The selected digit, or null. */
  get digit() {
    return this.selected === null ? null : (this.reading?.digits[this.selected] ?? null);
  }

  /** Read the pad's strokes (an empty pad clears the reading without asking). */
  async readStrokes(strokes: Stroke[], canvas: { width: number; height: number }): Promise<void> {
    if (strokes.length === 0) {
      this.#asks.drop();
      this.busy = false;
      this.#input = null;
      this.reading = null;
      this.selected = null;
      this.problem = null;
      return;
    }
    await this.#ask({ strokes, canvas }, 'pad', canvas);
  }

  /** Read a PNG (base64, no data: prefix) of `size`: an opened image or a camera frame. */
  async readImage(png: string, size: { width: number; height: number }, source: 'image' | 'camera'): Promise<void> {
    await this.#ask({ png }, source, size);
  }

  /** A new picture is on its way: the old boxes go at once (a reply to the old input is dropped), and until the
   *  first reading the window says that it is reading. */
  expect(source: 'image' | 'camera'): void {
    this.#forget();
    this.waiting = source;
  }

  /** The camera stopped (or never started): its reading goes with it. */
  stopped(): void {
    if (this.source === 'camera' || this.waiting === 'camera') this.#forget();
  }

  #forget(): void {
    this.#asks.drop();
    this.#input = null;
    this.reading = null;
    this.selected = null;
    this.problem = null;
    this.size = null;
    this.waiting = null;
    this.busy = false;
  }

  select(index: number | null): void {
    this.selected = index;
  }

  /** Save the selected digit to My digits as `label`, with its 28×28 and its piece of the drawing. */
  async save(label: number, png: string): Promise<boolean> {
    const digit = this.digit;
    if (!digit) return false;
    const [x, y, width, height] = digit.box;
    const strokes =
      this.#input && 'strokes' in this.#input
        ? this.#input.strokes
            .filter((s) => s.points.some(([px, py]) => px >= x && px < x + width && py >= y && py < y + height))
            .map((s) => ({ width: s.width, points: s.points.map(([px, py]) => [px - x, py - y] as [number, number]) }))
        : [];
    return this.saver.save(label, { strokes, canvas: { width: Math.max(1, width), height: Math.max(1, height) }, png, field: digit.field });
  }

  async #ask(input: ReadInput, source: NumberSource, size: { width: number; height: number }): Promise<void> {
    this.busy = true;
    await this.#asks.run({ input, source, size });
  }

  async #read({ input, source, size }: ReadJob, { signal, isCurrent }: Ask): Promise<void> {
    try {
      const reading = await this.studio.api.invoke('model:read', input, { signal });
      if (!isCurrent()) return;
      this.#input = input;
      this.reading = reading;
      this.source = source;
      this.size = size;
      this.selected = null;
      this.problem = null;
      this.waiting = null;
      this.readings++;
    } catch (err) {
      if (!isCurrent()) return;
      this.reading = null;
      this.selected = null;
      this.waiting = null;
      this.problem = this.studio.disconnected
        ? 'The connection to the studio is lost: no readings until it is back.'
        : `Could not read a number: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      if (isCurrent()) this.busy = false;
    }
  }
}
