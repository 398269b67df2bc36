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

/** resources/model, found from source (src/engine/model) and from the build (out/main) alike: the nearest one up. */
export function bundledModelDir(): string {
  if (process.env.DIGIT_STUDIO_RESOURCES) return join(process.env.DIGIT_STUDIO_RESOURCES, 'model');
  const levels = ['../../resources/model', '../../../resources/model'];
  const found = levels.map((up) => fileURLToPath(new URL(up, import.meta.url))).find((dir) => existsSync(join(dir, 'manifest.json')));
  return found ?? fileURLToPath(new URL(levels[0], import.meta.url));
}

export function readBundledManifest(dir = bundledModelDir()): BundledManifest | null {
  const path = join(dir, 'manifest.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as BundledManifest) : null;
}
