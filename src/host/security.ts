// The browser-mode host's gatekeeping: a Jupyter-style token, an Origin check, and well-formed request targets.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const newToken = () => randomBytes(24).toString('hex');

/** Whether `given` is the host's token, compared in constant time. */
export function tokenMatches(expected: string, given: string | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether a request's Host header names this host: 127.0.0.1, localhost or [::1] with its port. A page on
 * another name that resolves here (DNS rebinding) sends its own name, and is refused.
 */
export function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

/** The one token a request target carries, or null when it has none or more than one. */
export function tokenOf(url: URL): string | null {
  const tokens = url.searchParams.getAll('token');
  return tokens.length === 1 ? tokens[0] : null;
}

/** Only pages served by this host may open its socket. */
export function originAllowed(origin: string | undefined, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

/** A request target as a URL, or null unless it is a plain "/path?query" whose path decodes. */
export function parseTarget(target: string | undefined): URL | null {
  // "//host/path" would name another host, and an absolute form ("http://…") is never what a page sends here.
  if (!target?.startsWith('/') || target.startsWith('//')) return null;
  try {
    const url = new URL(target, 'http://127.0.0.1');
    decodeURIComponent(url.pathname); // throws on bad percent-encoding such as "/%"
    return url;
  } catch {
    return null;
  }
}
