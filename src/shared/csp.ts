// The window's one Content-Security-Policy. Electron's response header, the browser-mode host's header and the
// built page's <meta> tag all come from here, so that they cannot drift apart.

/** The policy; `connect` adds sources beside 'self' (the host's WebSocket). A <meta> tag cannot carry frame-ancestors. */
export function contentSecurityPolicy(connect: readonly string[] = [], delivery: 'header' | 'meta' = 'header'): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    ["connect-src 'self'", ...connect].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    // Browsers ignore frame-ancestors in a <meta> tag and log a console error about it.
    ...(delivery === 'header' ? ["frame-ancestors 'none'"] : []),
  ].join('; ');
}
