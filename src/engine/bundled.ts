// The pretrained model that ships in resources/, so that drawing and predict work before any training.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BundledManifest {
  command: string;
  backend: string;
  testAccuracy: number;
  testLoss: number;
  date: string;
  epochs: number;
  totalParams: number;
}

/** resources/model, found from source (src/engine) and from the build (out/main) alike. */
export function bundledModelDir(): string {
  if (process.env.DIGIT_STUDIO_RESOURCES) return join(process.env.DIGIT_STUDIO_RESOURCES, 'model');
  return fileURLToPath(new URL('../../resources/model', import.meta.url));
}

export function readBundledManifest(dir = bundledModelDir()): BundledManifest | null {
  const path = join(dir, 'manifest.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as BundledManifest) : null;
}
