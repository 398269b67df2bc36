// Small JSON files that only hold preferences or descriptions (settings, the window's place, a manifest):
// missing, unreadable or not of their schema, they read as absent and the app goes on with its defaults.
import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';

/** The file at `path` parsed with `schema`, or null when it is missing, not JSON, or not of the schema. */
export function readOptionalJson<T>(path: string, schema: z.ZodType<T>): T | null {
  if (!existsSync(path)) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
