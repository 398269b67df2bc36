// `npm start`: build, then open the desktop window — or, where the Electron binary could not be
// installed (offline machines), browser mode, printing its address.
import { spawn, spawnSync } from 'node:child_process';
import { electronBinary } from './electron-binary.mjs';

const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const binary = electronBinary();
if (binary) {
  const app = spawn(binary, ['.'], { stdio: 'inherit' });
  app.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('digit-studio: the Electron binary is not installed (it could not be downloaded); opening browser mode instead.');
  const host = spawn(process.execPath, ['--import', 'tsx', 'src/host/cli.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
  host.on('exit', (code) => process.exit(code ?? 0));
}
