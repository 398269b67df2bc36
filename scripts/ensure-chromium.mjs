// Before the end-to-end tests: make sure a Chromium is there (Debian's, installed with apt-get as root),
// since Playwright's own browser download cannot work offline.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { electronBinary } from './electron-binary.mjs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (electronBinary() || existsSync(path)) process.exit(0);

const root = process.getuid?.() === 0;
const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
if (!root || !apt) {
  console.error(
    `The end-to-end tests need Chromium at ${path} (or CHROMIUM_PATH): install Debian's chromium package, e.g. sudo apt-get install chromium.`,
  );
  process.exit(1);
}
console.log('Installing Debian chromium for the end-to-end tests…');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [
  ['update', '-qq'],
  ['install', '-y', '-qq', 'chromium'],
]) {
  const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
