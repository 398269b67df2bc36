// A stand-in Electron distribution for `electron-builder --dir` where the real one cannot be downloaded:
// what electron-builder copies (an `electron` executable, version, licences, resources/), and a fuse wire
// in the executable so that electron-builder's electronFuses step flips real bytes that can be read back.
import { FuseV1Options } from '@electron/fuses';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The marker Electron's fuse wire follows, and a fuse's two states ('0' and '1'): @electron/fuses's index does not export them. */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
export const FuseState = { DISABLE: 0x30, ENABLE: 0x31 } as const;

// Electron's defaults, in wire order: RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on,
// asar integrity off, only-from-asar off, browser V8 snapshot off, file:// privileges on.
const DEFAULT_WIRE = [1, 0, 1, 1, 0, 0, 0, 1].map((on) => (on ? FuseState.ENABLE : FuseState.DISABLE));

/** Write the stand-in distribution into `dir` for Electron `version`. */
export function makeStandInElectron(dir: string, version: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const script = Buffer.from('#!/bin/sh\necho "stand-in Electron: the real binary is not installed here" >&2\nexit 1\n# ');
  const wire = Buffer.from([...Buffer.from(FUSE_SENTINEL), 1, DEFAULT_WIRE.length, ...DEFAULT_WIRE, 0x0a]);
  writeFileSync(join(dir, 'electron'), Buffer.concat([script, wire]));
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'version'), `${version}\n`);
  writeFileSync(join(dir, 'LICENSE'), 'Stand-in for the Electron distribution (MIT).\n');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<!doctype html><title>stand-in</title>\n');
}

/** The fuses the packaging config must set, as electron-builder's electronFuses names them, by wire index. */
export const REQUIRED_FUSES: [FuseV1Options, number, string][] = [
  [FuseV1Options.RunAsNode, FuseState.DISABLE, 'runAsNode: false'],
  [FuseV1Options.EnableCookieEncryption, FuseState.ENABLE, 'enableCookieEncryption: true'],
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable, FuseState.DISABLE, 'enableNodeOptionsEnvironmentVariable: false'],
  [FuseV1Options.EnableNodeCliInspectArguments, FuseState.DISABLE, 'enableNodeCliInspectArguments: false'],
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation, FuseState.ENABLE, 'enableEmbeddedAsarIntegrityValidation: true'],
  [FuseV1Options.OnlyLoadAppFromAsar, FuseState.ENABLE, 'onlyLoadAppFromAsar: true'],
];
