// The built renderer, served by sirv with the window's security headers. A malformed request gets 400 and any
// failure is answered or logged, never thrown: a page on another origin can send this host anything.
import { readdirSync, statSync, type Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import sirv from 'sirv';
import { logFailure } from './log.ts';
import { parseTarget } from './security.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Thrown from sirv's last hook before it sends, to stop it sending a file that lives outside the folder. */
class OutsideFolder extends Error {}

const fileKey = (stats: Stats) => `${stats.dev}:${stats.ino}`;

/** The folder's own regular files. Symbolic links are listed but not followed, so what they point at is not here. */
function ownFiles(root: string): Set<string> {
  const files = new Set<string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.add(fileKey(statSync(join(entry.parentPath, entry.name))));
  }
  return files;
}

/** Answer with a short plain-text body. */
export function replyText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
}

/** Serve GET and HEAD of the files in `root`, each response carrying `headers()`. */
export function serveRenderer(root: string, headers: () => Record<string, string>): Handler {
  let own = new Set<string>();
  const serve = sirv(root, {
    // sirv's `dev` looks each file up when asked, where otherwise it lists the folder once at start-up: that
    // listing follows links out of the folder and goes stale when the studio is rebuilt under a running host.
    dev: true,
    etag: false,
    dotfiles: false,
    // sirv follows symbolic links; a file that is not one of the folder's own is refused here. A miss reads the
    // folder again, since a rebuild brings new files.
    setHeaders: (_res, _path, stats) => {
      if (!own.has(fileKey(stats))) own = ownFiles(root);
      if (!own.has(fileKey(stats))) throw new OutsideFolder();
    },
  });
  return (req, res) => {
    try {
      for (const [name, value] of Object.entries(headers())) res.setHeader(name, value);
      if (!parseTarget(req.url)) return replyText(res, 400, 'bad request: malformed request target');
      if (req.method !== 'GET' && req.method !== 'HEAD') return replyText(res, 405, 'method not allowed');
      // sirv hands a reversed range (bytes=9-1) to createReadStream, which throws; the studio has nothing to seek in.
      delete req.headers.range;
      // A file removed between its lookup and its read (a rebuild) fails after the headers went out: end that response.
      res.once('pipe', (source) =>
        source.once('error', (err) => {
          logFailure(`reading ${req.url}`, err);
          res.destroy();
        }),
      );
      serve(req, res, () => replyText(res, 404, 'not found'));
    } catch (err) {
      if (err instanceof OutsideFolder) return replyText(res, 404, 'not found');
      logFailure(`answering ${req.method} ${req.url}`, err);
      if (res.headersSent) res.destroy();
      else replyText(res, 500, 'internal error');
    }
  };
}
