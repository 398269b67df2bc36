// Electron 42+ no longer fetches its binary on install: try to, and say so in one line when offline.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { electronBinary } from './electron-binary.mjs';

const require = createRequire(import.meta.url);

if (process.env.DIGIT_STUDIO_SKIP_ELECTRON === '1' || electronBinary()) process.exit(0);
let installer;
try {
  installer = require.resolve('electron/install.js');
} catch {
  console.log('digit-studio: electron is not installed (production install?); skipping its binary.');
  process.exit(0);
}
spawnSync(process.execPath, [installer], { stdio: 'ignore', timeout: 120_000 });
if (electronBinary()) console.log('digit-studio: Electron binary installed.');
else console.log('digit-studio: the Electron binary could not be downloaded (offline?); `npm start` opens browser mode instead.');
