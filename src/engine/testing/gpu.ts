// For the WebGPU tests: whatever adapter Dawn finds, a real GPU or SwiftShader (the software Vulkan driver
// Debian's chromium ships, used where the machine has no GPU). Where there is neither, the tests are skipped
// with the reason, which the test summary prints beside each of them: never passed silently.
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let found: Promise<string | null> | undefined;

/** Why this machine cannot run the WebGPU tests, or null when Dawn finds an adapter (once per process). */
export function gpuSkipReason(): Promise<string | null> {
  found ??= findAdapter();
  return found;
}

async function findAdapter(): Promise<string | null> {
  // Vulkan goes to SwiftShader where it is installed and no other driver is named (threads and processes
  // started from here inherit it).
  if (process.platform === 'linux' && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  // The Vulkan loader wants a runtime folder; a test machine's root often has none.
  process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'digit-studio-xdg-'));
  try {
    const dawn = createRequire(import.meta.url)('webgpu') as { create: (flags: string[]) => GPU };
    const adapter = await dawn.create([]).requestAdapter();
    if (adapter) return null;
  } catch (err) {
    return `Dawn (dawn.node) does not load here: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
  return process.platform === 'linux'
    ? `no WebGPU adapter: no GPU, and SwiftShader (${process.env.VK_ICD_FILENAMES ?? SWIFTSHADER_ICD}) does not load (Debian's chromium and libvulkan1 provide it)`
    : 'no WebGPU adapter: Dawn finds no GPU on this machine';
}
