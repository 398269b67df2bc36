// `npm run serve`: the studio in a browser, on 127.0.0.1 with a token in the URL.
// A start-up failure prints `error: …` and exits, 2 for what the user can fix. Once serving, a failure anywhere
// is logged on one line and the host keeps serving, so that a stray error never takes a training run with it.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { errnoOf, UserError } from '../engine/errors.ts';
import { userDataDir } from '../engine/store/runs.ts';
import type { Engine } from '../engine/engine.ts';
import { EngineThreads } from '../engine/threads/engine-threads.ts';
import { surviveStrayErrors } from '../engine/runtime/stray-errors.ts';
import { logFailure } from './log.ts';
import { type Host, startHost } from './server.ts';
import { hostToken } from './token.ts';
import { messageOf } from '../shared/message.ts';

const DEFAULT_PORT = 7328;
const BUILT_RENDERER = fileURLToPath(new URL('../../out/renderer', import.meta.url));

function readOptions() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' },
        'user-dir': { type: 'string' },
        data: { type: 'string' },
        renderer: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (err) {
    // parseArgs names the unknown option or the missing value itself.
    throw new UserError((err as Error).message);
  }
}

/** The port asked for with --port, or undefined for the usual one. */
function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new UserError(`--port: ${JSON.stringify(text)} is not a port number (0–65535)`);
  return Number(text);
}

async function listen(studio: Engine, rendererDir: string, port: number | undefined, token: string): Promise<Host> {
  try {
    return await startHost({ studio, rendererDir, port: port ?? DEFAULT_PORT, token });
  } catch (err) {
    if (errnoOf(err) !== 'EADDRINUSE') throw err;
    // Like Jupyter: the usual port if it is free, else any free one; a port asked for by name is the user's to change.
    if (port === undefined) return startHost({ studio, rendererDir, port: 0, token });
    throw new UserError(`--port ${port}: the port is in use; choose another, or leave --port out to take a free one`);
  }
}

function fail(err: unknown): void {
  console.error(`error: ${messageOf(err)}`);
  process.exit(err instanceof UserError ? 2 : 1);
}

async function main(): Promise<void> {
  const values = readOptions();
  const port = parsePort(values.port);
  const rendererDir = values.renderer === undefined ? BUILT_RENDERER : resolve(values.renderer);
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new UserError(`${rendererDir} has no built studio (index.html): run \`npm run build\` first (npm run serve does)`);
  }
  const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;
  const userDir = values['user-dir'] ?? userDataDir();
  const studio = await EngineThreads.open({ userDir, dataDir: values.data, transport: 'websocket', version });
  // The same token for the same home folder: a page left open reconnects once the host is back.
  const host = await listen(studio, rendererDir, port, hostToken(userDir));
  surviveStrayErrors((what, err) => logFailure(`${what} (still serving)`, err));
  if (values.json) console.log(JSON.stringify({ url: host.url, port: host.port }));
  else
    console.log(
      `Digit Studio (browser mode) is at:\n\n    ${host.url}\n\nOpen it in a browser; the token in it keeps other pages and users out. Ctrl-C stops.`,
    );
  const shutdown = async () => {
    try {
      await host.close();
      await studio.close();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
main().catch(fail);
