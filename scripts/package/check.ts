// `npm run package:check`: package the app for Linux into dist/linux-unpacked (electron-builder --dir over a
// stand-in Electron, offline), check that every file the app reads at run time is where it will look,
// that the fuses are set, and smoke-run the packaged main bundle in plain Node. Exit 1 on any problem.
import { getCurrentFuseWire } from '@electron/fuses';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSpec } from '../../src/shared/spec.ts';
import { checkLayout, dawnNode, listArchive } from './layout.ts';
import { simulateResources } from './simulate.ts';
import { makeStandInElectron, REQUIRED_FUSES } from './stand-in-electron.ts';
import { MAX_RESOURCES_BYTES } from './runtime-files.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The files unpacked from the asar stay below this (each is a file on disk to install, scan and sign). */
const MAX_UNPACKED = 3000;
const dist = join(root, 'dist');

/** The bytes of every file under `dir`. */
function folderBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;

function run(what: string, command: string, args: string[]): void {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  if (result.status !== 0) {
    process.stdout.write(result.stdout + result.stderr);
    throw new Error(`${what} failed (exit ${result.status})`);
  }
  console.log(`package:check: ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

async function main(): Promise<string[]> {
  run('built', 'npx', ['electron-vite', 'build']);
  const standIn = join(dist, '.electron-stand-in');
  const version = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version as string;
  makeStandInElectron(standIn, version);
  run('packaged into dist/linux-unpacked', 'npx', [
    'electron-builder',
    '--dir',
    '--linux',
    '--x64',
    '--publish',
    'never',
    `-c.electronDist=${standIn}`,
  ]);

  const appDir = join(dist, 'linux-unpacked');
  const problems = checkLayout(join(appDir, 'resources'));
  console.log(`package:check: layout ${problems.length === 0 ? 'ok' : `has ${problems.length} problems`}`);
  const size = folderBytes(join(appDir, 'resources'));
  console.log(`package:check: resources/ beside Electron holds ${mb(size)} (at most ${mb(MAX_RESOURCES_BYTES)} allowed)`);
  if (size > MAX_RESOURCES_BYTES)
    problems.push(`resources/ holds ${mb(size)}, over the ${mb(MAX_RESOURCES_BYTES)} limit: see files and asarUnpack in electron-builder.yml`);
  const wire = await getCurrentFuseWire(join(appDir, 'digit-studio'));
  for (const [fuse, state, setting] of REQUIRED_FUSES) {
    if (wire[fuse] !== state) problems.push(`fuse ${setting} is not set in the packaged executable`);
  }
  console.log(`package:check: fuses ${REQUIRED_FUSES.map(([, , s]) => s).join(', ')}`);
  const archive = join(appDir, 'resources', 'app.asar');
  const entries = [...listArchive(archive).values()];
  const unpacked = entries.filter((e) => e.unpacked).length;
  console.log(`package:check: ${unpacked} of ${entries.length} files unpacked from the asar (at most ${MAX_UNPACKED - 1} allowed)`);
  if (unpacked >= MAX_UNPACKED) problems.push(`${unpacked} files unpacked from the asar: narrow asarUnpack in electron-builder.yml`);
  // The OS loads dawn.node from app.asar.unpacked: it must be there and load (this machine is linux-x64).
  const dawn = join(`${archive}.unpacked`, dawnNode('linux-x64'));
  const load = spawnSync(
    process.execPath,
    ['-e', `const d = require(${JSON.stringify(dawn)}); if (typeof d.create !== 'function') process.exit(3);`],
    {
      encoding: 'utf8',
    },
  );
  if (load.status !== 0) problems.push(`${dawnNode('linux-x64')} does not load from app.asar.unpacked: ${load.stderr.trim().split('\n')[0] ?? ''}`);
  else console.log(`package:check: ${dawnNode('linux-x64')} loads from app.asar.unpacked`);
  if (problems.length > 0) return problems;

  // Outside the project, so that nothing resolves from its node_modules.
  const work = mkdtempSync(join(tmpdir(), 'digit-studio-smoke-'));
  try {
    const resources = simulateResources(join(appDir, 'resources'), join(work, 'app'));
    const spec = JSON.stringify({ ...defaultSpec(), epochs: 1 });
    const env = { ...process.env };
    delete env.NODE_PATH;
    const smoke = spawnSync(process.execPath, [join(root, 'scripts/package/smoke.mjs'), resources, spec], {
      stdio: 'inherit',
      cwd: work,
      env: { ...env, DIGIT_STUDIO_HOME: join(work, 'home') },
      timeout: 300_000,
    });
    return smoke.status === 0 ? [] : [`the packaged smoke run failed (exit ${smoke.status ?? smoke.signal})`];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const problems = await main().catch((err: Error) => [err.message]);
for (const problem of problems) console.error(`package:check: ${problem}`);
console.log(problems.length === 0 ? 'package:check: ok' : 'package:check: FAILED');
process.exit(problems.length === 0 ? 0 : 1);
