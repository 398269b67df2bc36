// A long-lived process (the browser-mode host, Electron's main) must outlive a stray failure in one request.

/**
 * From here on an uncaught exception or unhandled rejection is handed to `log` and the process goes on. The
 * wasm backend's Emscripten glue listens to the same two events only to throw again, which ends the process, so
 * its listeners are replaced, not joined.
 */
export function surviveStrayErrors(log: (what: string, err: unknown) => void): void {
  process.removeAllListeners('uncaughtException').removeAllListeners('unhandledRejection');
  process.on('uncaughtException', (err) => log('uncaught exception', err));
  process.on('unhandledRejection', (reason) => log('unhandled rejection', reason));
}
