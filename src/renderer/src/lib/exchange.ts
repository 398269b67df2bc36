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

const MODEL_FILES = ['model.json', 'weights.bin', 'manifest.json'];
/** The largest model file the contract carries (64 MiB of base64). */
const MAX_FILE_BYTES = 48 * 1024 ** 2;

/** What is wrong with the chosen files, in words naming the file, or null when they can be sent. */
export function uploadProblem(files: File[]): string | null {
  const stranger = files.find((file) => !MODEL_FILES.includes(file.name));
  if (stranger) return `${stranger.name} is not a file of a TF.js model: choose model.json and weights.bin (and manifest.json), named exactly so`;
  const twice = files.find((file, i) => files.findIndex((other) => other.name === file.name) !== i);
  if (twice) return `${twice.name} was chosen twice: choose one of each`;
  const large = files.find((file) => file.size > MAX_FILE_BYTES);
  if (large) return `${large.name} is ${(large.size / 1024 ** 2).toFixed(0)} MB: the studio takes model files up to 48 MB`;
  if (!files.some((file) => file.name === 'model.json')) return 'model.json is missing: choose it with weights.bin';
  return null;
}

/** Chosen files as the contract's upload; the engine checks the names and the contents. */
export async function readUpload(files: Iterable<File>): Promise<UploadFile[]> {
  return Promise.all([...files].map(async (file) => ({ name: file.name as UploadFile['name'], base64: toBase64(await bytesOf(file)) })));
}
