// `npm run cli -- <command>`: the notebook in a terminal. User errors: one line on stderr, exit 2.
import { runCli } from './main.ts';

const code = await runCli(process.argv.slice(2));
// Exit only once what was printed has drained, so that a pipe (`| jq`) gets every line.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
