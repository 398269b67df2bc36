// The pretrained model that ships in resources/, so that drawing and predict work before any training.
import { existsSync } from 'node:fs';
import { readOptionalJson } from '../store/preferences.ts';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const BundledManifestSchema = z.object({
  command: z.string(),
  backend: z.string(),
  testAccuracy: z.number().min(0).max(1),
  testLoss: z.number().min(0),
  date: z.string(),
  epochs: z.number().int().min(1),
  totalParams: z.number().int().min(1),
});

/** resources/model/manifest.json: how the bundled model was made and how well it scores. */
export type BundledManifest = z.infer<typeof BundledManifestSchema>;

/** resources/model, found from source (src/engine/model) and from the build (out/main) alike: the nearest one up. */
export function bundledModelDir(): string {
  if (process.env.DIGIT_STUDIO_RESOURCES) return join(process.env.DIGIT_STUDIO_RESOURCES, 'model');
  const levels = ['../../resources/model', '../../../resources/model'];
  const found = levels.map((up) => fileURLToPath(new URL(up, import.meta.url))).find((dir) => existsSync(join(dir, 'manifest.json')));
  return found ?? fileURLToPath(new URL(levels[0], import.meta.url));
}

/** resources/reading-model: the bundled reading model, which chooses where a written number is cut into digits. */
export function bundledReadingDir(): string {
  return join(bundledModelDir(), '..', 'reading-model');
}

/** The bundled model's manifest, or null when it is missing or does not parse (the model still works without it). */
export function readBundledManifest(dir = bundledModelDir()): BundledManifest | null {
  return readOptionalJson(join(dir, 'manifest.json'), BundledManifestSchema);
}
