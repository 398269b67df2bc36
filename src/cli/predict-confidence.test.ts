import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../engine/data/png.ts';

const root = new URL('../..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'cli-'));

/** A white 200×200 PNG with a black rectangle. */
function writeRect(path: string, [rx, ry, rw, rh]: number[]): void {
  const data = new Uint8Array(200 * 200 * 4).fill(255);
  for (let y = ry; y < ry + rh; y++) for (let x = rx; x < rx + rw; x++) data.fill(0, (y * 200 + x) * 4, (y * 200 + x) * 4 + 3);
  writeFileSync(path, encodePng({ width: 200, height: 200, data }));
}

describe('predict --json', () => {
  it('reports confident, and for a dot the reason it is not', () => {
    writeRect(join(tmp, 'one.png'), [95, 20, 10, 160]);
    writeRect(join(tmp, 'dot.png'), [98, 98, 6, 6]);
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/index.ts', 'predict', '--json', join(tmp, 'one.png'), join(tmp, 'dot.png')],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(0);
    const [one, dot] = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(one).toMatchObject({ label: 1, confident: true });
    expect(one).not.toHaveProperty('reason');
    expect(dot).toMatchObject({ confident: false, reason: 'too little ink to read: draw the digit larger' });
  });
});
