// For the WebGPU tests on a machine without a GPU: Dawn on SwiftShader, the Vulkan driver Debian's chromium
// ships. Nothing is skipped where it is missing: the tests fail, saying what to install.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Point Vulkan at SwiftShader for this process (and the threads and processes it starts), unless already pointed elsewhere. */
export function useSwiftShader(): void {
  const icd = process.env.VK_ICD_FILENAMES ?? SWIFTSHADER_ICD;
  if (!existsSync(icd)) {
    throw new Error(
      `the WebGPU tests need a Vulkan driver: ${icd} is missing. Install Debian's chromium (it ships SwiftShader) and libvulkan1, or set VK_ICD_FILENAMES.`,
    );
  }
  process.env.VK_ICD_FILENAMES = icd;
  // The Vulkan loader wants a runtime folder; a test machine's root often has none.
  process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'digit-studio-xdg-'));
}
