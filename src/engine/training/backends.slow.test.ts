// Backend choice in real threads and processes (issue 27, item 11): what a chosen backend that cannot start says,
// and a forced WebGPU on a machine without a GPU says so in one line, without the Vulkan loader's noise.
import { describe, expect, it } from 'vitest';
import { probeBackend } from './backends.ts';
import { spawned } from '../../cli/testing.ts';

describe('choosing a backend', () => {
  it('a chosen backend that cannot start names the choice, never a variable that was not set', async () => {
    const started = await probeBackend({ want: 'tensorflow', gpu: true }).then(
      ({ info }) => info.name,
      (err: Error) => err.message,
    );
    // Where @tensorflow/tfjs-node installed (it is optional) it starts; elsewhere the message names the choice.
    if (started !== 'tensorflow') expect(started).toMatch(/^the backend chosen \(tensorflow\) needs @tensorflow\/tfjs-node, which is not installed$/);
    expect(started).not.toMatch(/DIGIT_STUDIO_BACKEND/);
  });

  it('DIGIT_STUDIO_BACKEND=webgpu prints nothing from Vulkan or Dawn: it evaluates on the GPU, or says in one line why not (exit 2)', () => {
    const saved = { ...process.env };
    try {
      // As on a fresh machine: no software Vulkan driver named, no runtime folder.
      for (const name of ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'XDG_RUNTIME_DIR']) delete process.env[name];
      process.env.DIGIT_STUDIO_BACKEND = 'webgpu';
      const result = spawned('evaluate', '--test-limit', '20');
      const lines = result.stderr.split('\n').filter(Boolean);
      if (result.code === 0) expect(lines).toEqual([]);
      else {
        expect(result.code).toBe(2);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^error: (no GPU device on this machine|no WebGPU adapter|the only WebGPU adapter is a software one)/);
      }
    } finally {
      process.env = saved;
    }
  });
});
