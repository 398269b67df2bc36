// Draws build/icon.png (512×512): a hand-drawn 7 on the studio's dark tile. Run: npx tsx scripts/make-icon.ts
import { writeFileSync } from 'node:fs';
import { encodePng } from '../src/engine/data/png.ts';

const SIZE = 512;
const data = new Uint8Array(SIZE * SIZE * 4);
const stroke: [number, number][] = [
  [150, 150],
  [362, 150],
  [250, 392],
];
const distance = (x: number, y: number, [ax, ay]: [number, number], [bx, by]: [number, number]) => {
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay));
};
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    // Rounded square tile with a soft edge.
    const r = 96;
    const cx = Math.min(Math.max(x, r), SIZE - r);
    const cy = Math.min(Math.max(y, r), SIZE - r);
    const tile = Math.min(1, Math.max(0, r + 0.5 - Math.hypot(x - cx, y - cy)));
    const d = Math.min(distance(x, y, stroke[0], stroke[1]), distance(x, y, stroke[1], stroke[2]));
    const ink = Math.min(1, Math.max(0, 30.5 - d));
    const [r0, g0, b0] = [29, 36, 51];
    const [r1, g1, b1] = [242, 169, 59];
    data.set([r0 + ink * (r1 - r0), g0 + ink * (g1 - g0), b0 + ink * (b1 - b0), tile * 255], (y * SIZE + x) * 4);
  }
}
writeFileSync(new URL('../build/icon.png', import.meta.url), encodePng({ width: SIZE, height: SIZE, data }));
