// What Electron would see of a packaged resources folder, as plain folders Node can run from: app.asar as a
// folder holding every file (the main thread reads through the archive, unpacked files included), and
// app.asar.unpacked holding only the unpacked ones (what worker threads and the OS loader see). Files are
// hard links (copies across file systems) or extracted files, so that each keeps the path the app would
// give it. It must sit where no folder above holds a node_modules, or Node would find there what the
// package lacks (a project's node_modules, say) and the smoke run would pass where the app fails.
import { extractFile } from '@electron/asar';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { errnoOf } from '../../src/engine/errors.ts';
import { listArchive } from './layout.ts';

function linkFile(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (err) {
    if (errnoOf(err) !== 'EXDEV') throw err;
    copyFileSync(from, to);
  }
}

function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    const source = join(from, name);
    if (statSync(source).isDirectory()) linkTree(source, join(to, name));
    else linkFile(source, join(to, name));
  }
}

/** The first folder above `dir` holding a node_modules, or null. */
function nodeModulesAbove(dir: string): string | null {
  for (let at = dirname(resolve(dir)); ; at = dirname(at)) {
    if (existsSync(join(at, 'node_modules'))) return at;
    if (dirname(at) === at) return null;
  }
}

/** Build the simulated `resources` folder for `resources` at `target` (replaced), with a stand-in `electron` package above it. */
export function simulateResources(resources: string, target: string): string {
  const leak = nodeModulesAbove(target);
  if (leak) throw new Error(`${target}: ${leak}/node_modules is above it; the smoke run needs a folder outside any project`);
  rmSync(target, { recursive: true, force: true });
  const simulated = join(target, 'resources');
  const archive = join(resources, 'app.asar');
  for (const [path, entry] of listArchive(archive)) {
    const to = join(simulated, 'app.asar', path);
    mkdirSync(dirname(to), { recursive: true });
    if (entry.unpacked) linkFile(join(`${archive}.unpacked`, path), to);
    else writeFileSync(to, extractFile(archive, path));
  }
  linkTree(`${archive}.unpacked`, join(simulated, 'app.asar.unpacked'));
  linkTree(join(resources, 'model'), join(simulated, 'model'));
  linkTree(join(resources, 'reading-model'), join(simulated, 'reading-model'));
  // Node finds this by walking up from app.asar/out/main, as Electron would find its built-in module.
  const electron = join(target, 'node_modules', 'electron');
  mkdirSync(electron, { recursive: true });
  writeFileSync(join(electron, 'package.json'), JSON.stringify({ name: 'electron', type: 'module', exports: './index.js' }));
  writeFileSync(
    join(electron, 'index.js'),
    [
      '// Stand-in Electron for the packaged smoke run: the objects come from scripts/package/smoke.mjs.',
      'const electron = globalThis.digitStudioStandInElectron;',
      'export const { app, BrowserWindow, Menu, Notification, dialog, ipcMain, screen, session, shell } = electron;',
      'export default electron;',
      '',
    ].join('\n'),
  );
  return simulated;
}
