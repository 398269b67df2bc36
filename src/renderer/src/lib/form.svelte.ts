// The Training form: the spec and sample limits the person is editing. It belongs to the person: kept per
// user across reloads and tabs (localStorage, checked with the spec's schema when read back), and never
// rewritten by a queue, a resume or a run on screen. Only the person's "use this run's settings" replaces it,
// and that names every field it changed.
import { z } from 'zod';
import type { RunRecord } from '../../../shared/contract';
import { SPLIT_COUNTS } from '../../../shared/mnist';
import { defaultSpec, ModelSpecSchema, type ModelSpec } from '../../../shared/spec';
import { settingLabel, settingsOf } from './compare';

/** The longest text kept for one field: a number needs far less. */
const MAX_TYPED = 40;

/** Where the form is kept; one key for this app, versioned so that a future shape is not misread. */
export const FORM_KEY = 'digit-studio:training-form:v1';

const StoredFormSchema = z.object({
  spec: ModelSpecSchema,
  trainLimit: z.number().int().min(1).max(SPLIT_COUNTS.train).nullable(),
  testLimit: z.number().int().min(1).max(SPLIT_COUNTS.test).nullable(),
  /** Each number field's text as typed (`1e-4`), by its field's path; a reload shows it as it was typed. */
  typed: z.record(z.string().max(40), z.string().max(MAX_TYPED)).optional(),
});
type StoredForm = z.infer<typeof StoredFormSchema>;

/** The part of Web Storage the form uses (localStorage in the window; absent where there is none). */
export type FormStorage = Pick<Storage, 'getItem' | 'setItem'>;

function read(storage: FormStorage | null): StoredForm | null {
  try {
    const text = storage?.getItem(FORM_KEY);
    if (!text) return null;
    const parsed = StoredFormSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // unreadable or not JSON: start from the notebook's form
  }
}

export class TrainingForm {
  spec = $state<ModelSpec>(defaultSpec());
  trainLimit = $state<number | null>(null);
  testLimit = $state<number | null>(null);
  /** The text of each number field as typed, by field path (the fields show it while it means their number). */
  typed = $state<Record<string, string>>({});
  readonly #storage: FormStorage | null;
  readonly #stopSaving: () => void;

  constructor(storage: FormStorage | null = globalThis.localStorage ?? null) {
    this.#storage = storage;
    const stored = read(storage);
    if (stored) [this.spec, this.trainLimit, this.testLimit, this.typed] = [stored.spec, stored.trainLimit, stored.testLimit, stored.typed ?? {}];
    // Writes to storage only, never to the state it reads. A half-typed form (a field that is no number yet)
    // is not kept: a reload finds the last complete one.
    this.#stopSaving = $effect.root(() => {
      $effect(() => this.#save(this.#snapshot()));
    });
  }

  /** Keep a field's text as typed (null: the field shows its number as the studio writes it). */
  keep(path: string, text: string | null): void {
    if (text === null || text.length > MAX_TYPED) delete this.typed[path];
    else this.typed[path] = text;
  }

  /** Replace the form with a run's settings (the person asked); the changes as `Label: before → after`. */
  useSettingsOf(run: RunRecord): string[] {
    const before = settingsOf({ spec: this.#snapshot().spec, trainLimit: this.trainLimit ?? undefined, testLimit: this.testLimit ?? undefined });
    const after = settingsOf(run);
    const keys = [...before.keys(), ...[...after.keys()].filter((key) => !before.has(key))];
    const changes = keys
      .filter((key) => before.get(key) !== after.get(key))
      .map((key) => `${settingLabel(key)}: ${before.get(key) ?? '—'} → ${after.get(key) ?? '—'}`);
    this.spec = structuredClone($state.snapshot(run.spec));
    [this.trainLimit, this.testLimit] = [run.trainLimit ?? null, run.testLimit ?? null];
    this.typed = {};
    return changes;
  }

  /** Stop keeping the form (a test's or a window's end). */
  dispose(): void {
    this.#stopSaving();
  }

  #snapshot(): StoredForm {
    return { spec: $state.snapshot(this.spec), trainLimit: this.trainLimit, testLimit: this.testLimit, typed: $state.snapshot(this.typed) };
  }

  #save(form: StoredForm): void {
    if (!StoredFormSchema.safeParse(form).success) return;
    try {
      this.#storage?.setItem(FORM_KEY, JSON.stringify(form));
    } catch {
      // Storage full or refused: the form still works, it is only not kept.
    }
  }
}
