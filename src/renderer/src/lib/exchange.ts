// Model files in and out of the window: a browser download of each file of an exported model, and uploaded
// files read as the base64 the contract carries.
import type { InvokeInput, ModelFiles } from '../../../shared/contract';
import { fromBase64 } from './pixels';

export type UploadFile = InvokeInput<'model:import'>['files'][number];

/** Bytes as base64, a chunk at a time (a spread of millions of arguments would overflow the stack). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Download each file under its own name, so that model.json still finds weights.bin beside it. */
export function downloadFiles(model: ModelFiles): void {
  for (const file of model.files) {
    const bytes = fromBase64(file.base64);
    const url = URL.createObjectURL(new Blob([bytes.buffer as ArrayBuffer], { type: 'application/octet-stream' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = file.name;
    document.body.append(link);
    link.click();
    link.remove();
    // Revoked once the browser has taken the download.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}

/** A file's or blob's bytes. */
export function bytesOf(blob: Blob): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(new Error(`${blob instanceof File ? blob.name : 'a file'} could not be read`));
    reader.readAsArrayBuffer(blob);
  });
}

/** Chosen files as the contract's upload; the engine checks the names and the contents. */
export async function readUpload(files: Iterable<File>): Promise<UploadFile[]> {
  return Promise.all([...files].map(async (file) => ({ name: file.name as UploadFile['name'], base64: toBase64(await bytesOf(file)) })));
}
