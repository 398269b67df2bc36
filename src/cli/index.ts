// `npm run cli -- <command>`: the notebook in a terminal. User errors: one line on stderr, exit 2.
import { exitFlushed, quietOnClosedPipe } from './exit.ts';
import { runCli } from './main.ts';

quietOnClosedPipe();
// Exit only once what was printed has drained, so that a pipe (`| jq`) gets every line.
await exitFlushed(await runCli(process.argv.slice(2)));
