// Decompression bombs: small files that announce or unpack to gigabytes are refused with a clear message,
// and the process reading them never grows past 500 MB (measured in a fresh process: its VmHWM).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { IDX_IMAGES_MAGIC } from './idx.ts';

const root = new URL('../../..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'bombs-'));
const PEAK_LIMIT_MB = 500;

/** A raw deflate stream of `head` then `blocks` × `blockSize` zero bytes, built without compressing them all. */
function deflatedZeros(head: Uint8Array, blockSize: number, blocks: number): Buffer {
  // A full flush ends each piece byte-aligned and with no references back, so pieces can be repeated.
  const flush = { finishFlush: constants.Z_FULL_FLUSH };
  const block = deflateRawSync(Buffer.alloc(blockSize), flush);
  return Buffer.concat([deflateRawSync(head, flush), ...Array<Buffer>(blocks).fill(block), deflateRawSync(Buffer.alloc(0))]);
}

function zlibZeros(blockSize: number, blocks: number): Buffer {
  const n = blockSize * blocks;
  // Adler-32 of n zero bytes: a stays 1, b adds it n times.
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((n % 65521) << 16) | 1) >>> 0);
  return Buffer.concat([Buffer.from([0x78, 0x9c]), deflatedZeros(new Uint8Array(), blockSize, blocks), adler]);
}

function gzipWithZeros(head: Uint8Array, blockSize: number, blocks: number): Buffer {
  let crc = crc32(head);
  const zeros = Buffer.alloc(blockSize);
  for (let i = 0; i < blocks; i++) crc = crc32(zeros, crc);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE((head.length + blockSize * blocks) % 2 ** 32, 4);
  return Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]), deflatedZeros(head, blockSize, blocks), trailer]);
}

function chunk(type: string, data: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed) >>> 0);
  return Buffer.concat([length, typed, crc]);
}

/** A grayscale PNG whose image data is `idat` (rows of zeros: filter 0, black pixels). */
function grayPng(width: number, height: number, idat: Buffer, interlaced = false): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, interlaced ? 1 : 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array())]);
}

/** Read `file` with the studio's reader in a fresh process: its one-line error and its peak memory. */
function readInFreshProcess(reader: 'png' | 'idx', file: string): { error: string; peakMb: number } {
  const module = join(root, 'src/engine/data', reader === 'png' ? 'png.ts' : 'idx.ts');
  const call = reader === 'png' ? 'm.readPng(file)' : 'm.readIdxFile(file).then((b) => m.parseIdxImages(b, file))';
  const script = `
    import * as m from ${JSON.stringify(module)};
    import { readFileSync } from 'node:fs';
    const file = ${JSON.stringify(file)};
    const peak = () => Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
    Promise.resolve().then(() => ${call}).then(
      () => console.log(JSON.stringify({ error: 'accepted', peakMb: peak() })),
      (err) => console.log(JSON.stringify({ error: err.message, peakMb: peak() })),
    );`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
}

describe('decompression bombs', () => {
  it('refuses a small PNG announcing 20000×20000 before unpacking it', () => {
    const file = join(tmp, 'huge.png');
    // 400 MB of pixels in about 400 KB.
    writeFileSync(file, grayPng(20000, 20000, zlibZeros(20001 * 100, 200)));
    const { error, peakMb } = readInFreshProcess('png', file);
    expect(error).toBe(`${file} is 20000×20000; the largest image accepted is 4096×4096`);
    expect(peakMb).toBeLessThan(PEAK_LIMIT_MB);
  });

  it('refuses an interlaced PNG whose data unpacks far past its 16×16 header', () => {
    const file = join(tmp, 'interlaced.png');
    writeFileSync(file, grayPng(16, 16, zlibZeros(1 << 20, 1024), true));
    const { error, peakMb } = readInFreshProcess('png', file);
    expect(error).toBe(`${file}: corrupt PNG (its image data does not match its 16×16 header)`);
    expect(peakMb).toBeLessThan(PEAK_LIMIT_MB);
  });

  it('refuses a 1 MB gzipped IDX file that unpacks to 1 GiB, at the size its header announces', () => {
    const file = join(tmp, 'train-images-idx3-ubyte.gz');
    const head = new Uint8Array(16);
    const view = new DataView(head.buffer);
    [IDX_IMAGES_MAGIC, 10, 28, 28].forEach((value, i) => view.setUint32(4 * i, value));
    writeFileSync(file, gzipWithZeros(head, 1 << 20, 1024));
    const { error, peakMb } = readInFreshProcess('idx', file);
    expect(error).toBe(`${file}: holds more than the 7,856 bytes its header announces`);
    expect(peakMb).toBeLessThan(PEAK_LIMIT_MB);
  });

  it('refuses an IDX header announcing more than the studio reads, before unpacking', () => {
    const file = join(tmp, 'claims.gz');
    const head = new Uint8Array(16);
    const view = new DataView(head.buffer);
    [IDX_IMAGES_MAGIC, 2_000_000, 28, 28].forEach((value, i) => view.setUint32(4 * i, value));
    writeFileSync(file, gzipWithZeros(head, 1 << 20, 1024));
    const { error, peakMb } = readInFreshProcess('idx', file);
    expect(error).toBe(`${file}: its header announces 1,495 MB of data (2000000×28×28); the studio reads at most 256 MB`);
    expect(peakMb).toBeLessThan(PEAK_LIMIT_MB);
  });

  it('refuses a PNG of zero width', () => {
    const file = join(tmp, 'empty.png');
    writeFileSync(file, grayPng(0, 10, zlibZeros(16, 1)));
    expect(readInFreshProcess('png', file).error).toBe(`${file}: the image is 0×10; it has no pixels`);
  });
});
