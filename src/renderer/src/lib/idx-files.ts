// Which of two chosen files is the IDX images file and which the labels file, whatever their names: an IDX
// header is two zero bytes, the element type (0x08, unsigned bytes) and the number of dimensions, 3 for
// images (count × rows × columns) and 1 for labels. A gzipped file, whose header is hidden, goes by its name.

const UNSIGNED_BYTE = 0x08;

function kind(name: string, bytes: Uint8Array): 'images' | 'labels' | null {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return /label|idx1/i.test(name) ? 'labels' : /image|idx3/i.test(name) ? 'images' : null;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== UNSIGNED_BYTE) return null;
  return bytes[3] === 3 ? 'images' : bytes[3] === 1 ? 'labels' : null;
}

/** The images and labels of an IDX pair from two files, or an error naming what is wrong. */
export function pairOf(files: { name: string; bytes: Uint8Array }[]): { images: Uint8Array; labels: Uint8Array } | { error: string } {
  if (files.length !== 2) return { error: `choose two files, the IDX images and the IDX labels (you chose ${files.length})` };
  const kinds = files.map((file) => kind(file.name, file.bytes));
  const unknown = files.find((_, i) => kinds[i] === null);
  if (unknown) return { error: `${unknown.name} is not an IDX file of unsigned bytes with 3 (images) or 1 (labels) dimensions` };
  const images = files.find((_, i) => kinds[i] === 'images');
  const labels = files.find((_, i) => kinds[i] === 'labels');
  if (!images || !labels) return { error: `both files are IDX ${kinds[0]}: choose one images file and one labels file` };
  return { images: images.bytes, labels: labels.bytes };
}

/** A chosen file's bytes (through FileReader, which every window has). */
export function readBytes(file: File): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(new Error(`${file.name} could not be read`));
    reader.readAsArrayBuffer(file);
  });
}
