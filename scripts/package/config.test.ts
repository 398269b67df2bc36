// The packaging config names everything the layout check relies on, packs one platform's dawn.node and no
// source maps, and hardens the Electron binary.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// js-yaml comes with electron-builder (no types of its own here).
const { load } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
const config = load(readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it('unpacks the main bundle (wasm binaries and MNIST beside it) and webgpu, and packs one dawn.node per platform', () => {
    expect(config.asarUnpack).toEqual(['package.json', 'out/main/**', 'node_modules/webgpu/**']);
    expect(config.files).toEqual(expect.arrayContaining(['!**/*.map', '!node_modules/@tensorflow/**']));
    expect(config.files).toContain('!node_modules/webgpu/dist/!(${platform}-${arch})/**');
    // macOS replaces the list (Dawn's binary there is universal): the same but for that line.
    const mac = (config.mac as { files: string[] }).files;
    expect(mac.filter((f) => !f.startsWith('!node_modules/webgpu/dist/'))).toEqual(
      (config.files as string[]).filter((f) => !f.startsWith('!node_modules/webgpu/dist/')),
    );
    expect(mac).toContain('!node_modules/webgpu/dist/!(darwin-universal)/**');
    expect(config.linux).not.toHaveProperty('files');
    expect(config.win).not.toHaveProperty('files');
  });

  it('rebuilds no native module, ships the bundled model, and sets the fuses', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.extraResources).toEqual([
      { from: 'resources/model', to: 'model' },
      { from: 'resources/reading-model', to: 'reading-model' },
    ]);
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
