// My digits as the window holds them: the collection (newest first, each with its 28×28), relabel, delete,
// and the IDX pair in and out. One instance for the whole window (the Draw place adds to it, the Dataset
// place shows it, fine-tuning counts it); a reply older than the newest list request is dropped.
import type { StudioApi } from '../../../shared/contract';
import type { MyDigit } from '../../../shared/digits';
import { PIXELS } from '../../../shared/mnist';
import { fromBase64 } from './pixels';
import { Latest } from './latest';

export interface MyDigitEntry extends MyDigit {
  /** Its 28×28, 0–255. */
  pixels: Uint8Array;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class MyDigitsState {
  entries = $state.raw<MyDigitEntry[]>([]);
  /** Files of the collection the engine could not read, one line each (left on disk as they are). */
  unreadable = $state.raw<string[]>([]);
  /** Whether the list was read at least once (before that, the count is unknown). */
  loaded = $state(false);
  /** The last thing that went wrong, named; cleared by the next success. */
  error = $state<string | null>(null);
  /** What the last import, relabel or delete did, for an aria-live line. */
  status = $state<string | null>(null);
  #latest = new Latest();

  constructor(
    private readonly api: StudioApi,
    private readonly ask: (question: string) => boolean,
  ) {}

  /** Read the collection, page after page. */
  async load(): Promise<void> {
    const ticket = this.#latest.next();
    try {
      const entries: MyDigitEntry[] = [];
      let list;
      do {
        list = await this.api.invoke('digits:list', { offset: entries.length });
        if (!this.#latest.isCurrent(ticket)) return;
        const pixels = fromBase64(list.pixels);
        entries.push(...list.digits.map((digit, i) => ({ ...digit, pixels: pixels.subarray(i * PIXELS, (i + 1) * PIXELS) })));
        // A page that came back empty ends the reading even if digits were deleted meanwhile.
      } while (list.digits.length > 0 && entries.length < list.total);
      // Newest first whatever order the engine keeps; ties keep its order.
      this.entries = entries.toSorted((a, b) => b.createdAt.localeCompare(a.createdAt));
      this.unreadable = list.unreadable ?? [];
      this.loaded = true;
      this.error = null;
    } catch (err) {
      if (this.#latest.isCurrent(ticket)) this.error = `Could not read My digits: ${message(err)}`;
    }
  }

  /** After a digit was saved or removed elsewhere: read again, but only if someone has read it already. */
  async changed(): Promise<void> {
    if (this.loaded) await this.load();
  }

  /** Give one digit another label: one request, and the grid updates in place. */
  async relabel(id: string, label: number): Promise<void> {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry || entry.label === label) return;
    try {
      const digit = await this.api.invoke('digits:relabel', { id, label });
      this.entries = this.entries.map((e) => (e.id === id ? { ...e, label: digit.label } : e));
      this.status = `Relabelled as ${digit.label}.`;
      this.error = null;
    } catch (err) {
      this.error = `Could not relabel: ${message(err)}`;
    }
  }

  /** Delete one digit after asking. */
  async remove(id: string): Promise<boolean> {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry || !this.ask(`Delete this ${entry.label} from My digits? This cannot be undone.`)) return false;
    try {
      await this.api.invoke('digits:delete', { id });
      this.entries = this.entries.filter((e) => e.id !== id);
      this.status = `Deleted a ${entry.label}.`;
      this.error = null;
      return true;
    } catch (err) {
      this.error = `Could not delete: ${message(err)}`;
      return false;
    }
  }

  /** The collection as an IDX pair, raw bytes; null (with the error named) when it failed. */
  async exportPair(): Promise<{ images: Uint8Array; labels: Uint8Array } | null> {
    try {
      const pair = await this.api.invoke('digits:export');
      this.error = null;
      return { images: fromBase64(pair.images), labels: fromBase64(pair.labels) };
    } catch (err) {
      this.error = `Could not export: ${message(err)}`;
      return null;
    }
  }

  /** Add an IDX pair's digits to the collection, then read it again. */
  async importPair(images: Uint8Array, labels: Uint8Array): Promise<void> {
    let added: number;
    try {
      ({ added } = await this.api.invoke('digits:import', { images: toBase64(images), labels: toBase64(labels) }));
    } catch (err) {
      this.error = `Could not import: ${message(err)}`;
      return;
    }
    await this.load();
    this.status = `Imported ${added} digit${added === 1 ? '' : 's'} into My digits.`;
  }
}

/** Bytes as base64, in chunks (a whole file at once would overflow the argument list). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}
