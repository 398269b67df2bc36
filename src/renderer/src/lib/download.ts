// Files the window hands to the person: a download in browser mode, Electron's save dialog in the app.

/**
 * File names of an exported collection: MNIST's training pair, the names the engine writes for File › Export My
 * Digits… and reads with `--data DIR` (its PAIR_FILES), so that the two downloads in one folder are that folder.
 */
export const MY_DIGITS_FILES = { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' } as const;

/** Offer `bytes` as a file called `name`. */
export function download(name: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken its copy once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
