// Before the tests: make sure a Chromium is there (Debian's, installed with apt-get as root), since
// Playwright's own browser download cannot work offline, and on Linux the Vulkan loader (libvulkan1) with
// Chromium's SwiftShader driver, on which the WebGPU tests run Dawn where the machine has no GPU.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { electronBinary } from './electron-binary.mjs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const swiftshader = process.env.VK_ICD_FILENAMES ?? '/usr/lib/chromium/vk_swiftshader_icd.json';
const linux = process.platform === 'linux';

/** Whether the dynamic loader knows libvulkan.so.1. */
function hasVulkanLoader() {
  const listed = spawnSync('sh', ['-c', 'ldconfig -p 2>/dev/null || /sbin/ldconfig -p'], { encoding: 'utf8' });
  return listed.status === 0 && listed.stdout.includes('libvulkan.so.1');
}

const missing = [];
if ((!electronBinary() && !existsSync(path)) || (linux && !existsSync(swiftshader))) missing.push('chromium');
if (linux && !hasVulkanLoader()) missing.push('libvulkan1');
if (missing.length === 0) process.exit(0);

const root = process.getuid?.() === 0;
const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
if (!root || !apt) {
  console.error(
    `The tests need ${missing.join(' and ')}: Chromium at ${path} (or CHROMIUM_PATH) for the end-to-end tests, and on Linux ` +
      `SwiftShader at ${swiftshader} with the Vulkan loader for the WebGPU tests. Install Debian's packages, e.g. ` +
      `sudo apt-get install ${missing.join(' ')}.`,
  );
  process.exit(1);
}
console.log(`Installing Debian ${missing.join(' and ')} for the tests…`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [
  ['update', '-qq'],
  ['install', '-y', '-qq', ...missing],
]) {
  const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
