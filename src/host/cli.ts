// `npm run serve`: the studio in a browser, on 127.0.0.1 with a token in the URL.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { UserError } from '../engine/errors.ts';
import { userDataDir } from '../engine/store/runs.ts';
import { Studio } from '../engine/studio.ts';
import { startHost } from './server.ts';

const DEFAULT_PORT = 7328;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, 'user-dir': { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  const rendererDir = fileURLToPath(new URL('../../out/renderer', import.meta.url));
  if (!existsSync(rendererDir)) throw new UserError(`${rendererDir} is missing: run \`npm run build\` first (npm run serve does)`);
  const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;
  const studio = await Studio.open({ userDir: values['user-dir'] ?? userDataDir(), dataDir: values.data, transport: 'websocket', version });
  const wanted = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) throw new UserError(`--port: ${values.port} is not a port number`);
  // Like Jupyter: the usual port if it is free, else any free one.
  const host = await startHost({ studio, rendererDir, port: wanted }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE' && values.port === undefined) return startHost({ studio, rendererDir, port: 0 });
    throw err;
  });
  if (values.json) console.log(JSON.stringify({ url: host.url, port: host.port }));
  else
    console.log(
      `Digit Studio (browser mode) is at:\n\n    ${host.url}\n\nOpen it in a browser; the token in it keeps other pages and users out. Ctrl-C stops.`,
    );
  const shutdown = async () => {
    await studio.close();
    await host.close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`error: ${message}`);
  process.exit(err instanceof UserError || (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 2 : 1);
});
