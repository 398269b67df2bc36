// Saving the drawing on the pad as one of my digits: one request a click, a line saying what happened, and
// Undo for the last save. A failed save leaves the drawing where it was.
import type { Drawing, MyDigit } from '../../../shared/digits';
import type { StudioState } from './studio.svelte';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class SaveDigitState {
  saving = $state(false);
  /** What the last save or undo did (for the aria-live line). */
  status = $state<string | null>(null);
  error = $state<string | null>(null);
  /** The digit the last save made, while Undo can still remove it. */
  last = $state.raw<MyDigit | null>(null);

  constructor(private readonly studio: StudioState) {}

  /** Save `drawing` as `label`; true when saved. A save already under way makes this a no-op (no double saves).
   *  `read` is the digit the model was sure of: saving it as another says so, in case the click was a slip. */
  async save(label: number, drawing: Drawing, read: number | null = null): Promise<boolean> {
    if (this.saving) return false;
    this.saving = true;
    try {
      const digit = await this.studio.api.invoke('digits:save', { label, drawing });
      this.last = digit;
      this.status =
        read !== null && read !== digit.label
          ? `Saved as ${digit.label} to My digits — the model read ${read}. Ctrl+Z undoes the save if that was a slip.`
          : `Saved as ${digit.label} to My digits.`;
      this.error = null;
      void this.studio.digits.changed();
      return true;
    } catch (err) {
      this.error = `Could not save the drawing: ${message(err)}. It is still on the pad.`;
      return false;
    } finally {
      this.saving = false;
    }
  }

  /** A new drawing began: the last save's line and its Undo no longer concern what is on the pad. */
  forget(): void {
    if (this.saving) return;
    this.status = null;
    this.error = null;
    this.last = null;
  }

  /** Remove the digit the last save made. */
  async undo(): Promise<void> {
    const digit = this.last;
    if (!digit || this.saving) return;
    this.saving = true;
    try {
      await this.studio.api.invoke('digits:delete', { id: digit.id });
      this.last = null;
      this.status = `Removed the ${digit.label} just saved from My digits.`;
      this.error = null;
      void this.studio.digits.changed();
    } catch (err) {
      this.error = `Could not undo the save: ${message(err)}`;
    } finally {
      this.saving = false;
    }
  }
}
