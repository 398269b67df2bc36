// Before the tests: say which browser the end-to-end tests drive, and get it where it is missing. The
// Electron app where its binary is installed; else Debian's Chromium (or $CHROMIUM_PATH); else Playwright's
// own, downloaded by `npx playwright install chromium` when it is not there yet. Works for any user on
// Linux, macOS and Windows. Where this runs as root with apt-get (a fresh CI machine), Debian's chromium and
// libvulkan1 are installed first: they bring SwiftShader, on which the WebGPU tests run Dawn without a GPU
// (elsewhere those tests find a real GPU or are skipped, saying why).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { chromium } from '@playwright/test';
import { electronBinary } from './electron-binary.mjs';
import { systemChromium } from './chromium.mjs';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Whether the dynamic loader knows libvulkan.so.1. */
function hasVulkanLoader() {
  const listed = spawnSync('sh', ['-c', 'ldconfig -p 2>/dev/null || /sbin/ldconfig -p'], { encoding: 'utf8' });
  return listed.status === 0 && listed.stdout.includes('libvulkan.so.1');
}

function installDebianPackages() {
  const missing = [];
  if (!existsSync(SWIFTSHADER)) missing.push('chromium');
  if (!hasVulkanLoader()) missing.push('libvulkan1');
  if (missing.length === 0) return;
  console.log(`tests: installing Debian's ${missing.join(' and ')} (SwiftShader for the WebGPU tests, Chromium for the end-to-end tests)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...missing],
  ]) {
    // A failed install is not fatal: the WebGPU tests skip with the reason, the end-to-end tests use Playwright's browser.
    if (spawnSync('apt-get', args, { stdio: 'inherit', env }).status !== 0) return;
  }
}

const debian = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
if (debian) installDebianPackages();

const electron = electronBinary();
const system = systemChromium();
if (electron) {
  console.log(`end-to-end tests: the Electron app (${electron})`);
} else if (system) {
  console.log(`end-to-end tests: browser mode in the system's Chromium (${system})`);
} else {
  if (!existsSync(chromium.executablePath())) {
    console.log("end-to-end tests: no Electron binary and no system Chromium; downloading Playwright's Chromium…");
    const install = spawnSync('npx', ['playwright', 'install', 'chromium'], { stdio: 'inherit', shell: process.platform === 'win32' });
    if (install.status !== 0) {
      console.error(
        "end-to-end tests: Playwright's Chromium could not be installed: run `npx playwright install chromium`, or set CHROMIUM_PATH to a Chromium.",
      );
      process.exit(1);
    }
  }
  console.log(`end-to-end tests: browser mode in Playwright's Chromium (${chromium.executablePath()})`);
}
