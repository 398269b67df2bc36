// Packaged, the app's files sit in resources/app.asar. Electron's main thread reads through that archive,
// but native libraries, wasm read by tfjs and worker threads' module loaders need real files: those are
// unpacked by electron-builder (asarUnpack) into the sibling folder app.asar.unpacked.

/** `path` with an `app.asar` folder segment moved to `app.asar.unpacked`; unchanged in development. */
export function unpackedPath(path: string): string {
  return path.replace(/([\\/])app\.asar(?=[\\/]|$)/, '$1app.asar.unpacked');
}
