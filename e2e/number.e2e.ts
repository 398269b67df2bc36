// Number mode in Draw: "2026" written on the wide pad, an image of a number opened, and Chromium's fake
// camera showing a number; axe finds nothing serious and 800×600 needs no sideways scroll.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { expectAccessible } from './axe';
import { loadDataset, type Split } from '../src/engine/data/dataset.ts';
import { composeNumber } from '../src/engine/testing/compose.ts';
import { encodePng } from '../src/engine/data/png.ts';
import type { RawImage } from '../src/shared/preprocess.ts';

const dir = mkdtempSync(join(tmpdir(), 'number-e2e-'));
const CAMERA = { width: 640, height: 480 };

/** The test split's first sample of each digit written. */
function samplesOf(test: Split, digits: string): number[] {
  const used = new Set<number>();
  return [...digits].map((d) => {
    let i = 0;
    while (test.labels[i] !== Number(d) || used.has(i)) i++;
    used.add(i);
    return i;
  });
}

/** An RGB image's luminance centred on a white CAMERA-sized frame. */
function cameraFrame(image: RawImage): Uint8Array {
  const y = new Uint8Array(CAMERA.width * CAMERA.height).fill(235);
  const left = Math.floor((CAMERA.width - image.width) / 2);
  const top = Math.floor((CAMERA.height - image.height) / 2);
  for (let r = 0; r < image.height; r++)
    for (let c = 0; c < image.width; c++) {
      const p = (r * image.width + c) * 3;
      y[(top + r) * CAMERA.width + left + c] =
        Math.round(0.299 * image.data[p] + 0.587 * image.data[p + 1] + 0.114 * image.data[p + 2]) * (235 / 255);
    }
  return y;
}

/** A Y4M clip (what --use-file-for-fake-video-capture plays in a loop) of one still frame. */
function y4m(luma: Uint8Array): Buffer {
  const chroma = new Uint8Array((CAMERA.width / 2) * (CAMERA.height / 2)).fill(128);
  const header = Buffer.from(`YUV4MPEG2 W${CAMERA.width} H${CAMERA.height} F5:1 Ip A1:1 C420jpeg\n`);
  const frames = Array.from({ length: 5 }, () => [Buffer.from('FRAME\n'), Buffer.from(luma), Buffer.from(chroma), Buffer.from(chroma)]).flat();
  return Buffer.concat([header, ...frames]);
}

const cameraClip = join(dir, 'camera.y4m');
const imageFile = join(dir, '1984.png');
test.beforeAll(async () => {
  const { test: split } = await loadDataset();
  const written = composeNumber(split, samplesOf(split, '1984'), { size: 56 });
  const rgba = new Uint8Array(written.image.width * written.image.height * 4);
  for (let i = 0; i < written.image.width * written.image.height; i++)
    rgba.set([written.image.data[i * 3], written.image.data[i * 3 + 1], written.image.data[i * 3 + 2], 255], i * 4);
  writeFileSync(imageFile, encodePng({ width: written.image.width, height: written.image.height, data: rgba }));
  const shown = composeNumber(split, samplesOf(split, '305'), { size: 90 });
  writeFileSync(cameraClip, y4m(cameraFrame(shown.image)));
});

test.use({ extraArgs: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${cameraClip}`] });

async function numberMode(page: Page) {
  await page.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: 'Draw' }).click();
  await page.getByTestId('mode-number').click();
}

/** One mouse stroke through `points` (pad coordinates); waits for the reading it starts. */
async function stroke(page: Page, points: [number, number][]) {
  const pad = page.getByTestId('number-stage').getByTestId('drawing-pad').locator('canvas.upper-canvas');
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + points[0][0], box.y + points[0][1]);
  await page.mouse.down();
  for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x, box.y + y, { steps: 2 });
  await page.mouse.up();
}

const arc = (cx: number, cy: number, r: number, from: number, to: number, n = 24): [number, number][] =>
  Array.from({ length: n + 1 }, (_, i) => {
    const t = from + ((to - from) * i) / n;
    return [cx + r * Math.cos(t), cy + r * Math.sin(t)];
  });
const two = (cx: number): [number, number][] => [...arc(cx, 72, 30, Math.PI * 1.05, Math.PI * 2.2), [cx - 32, 165], [cx + 34, 165]];
const zero = (cx: number): [number, number][] =>
  Array.from({ length: 40 }, (_, i) => [cx + 30 * Math.sin((2 * Math.PI * i) / 38), 100 - 65 * Math.cos((2 * Math.PI * i) / 38)]);
const six = (cx: number): [number, number][] => [[cx + 22, 35], [cx - 8, 70], [cx - 28, 125], ...arc(cx, 135, 30, Math.PI, -Math.PI * 0.95)];

test('write 2026 on the wide pad: four boxes and the number', async ({ page }) => {
  await numberMode(page);
  for (const [k, digit] of [two, zero, two, six].entries()) await stroke(page, digit(75 + k * 140));
  await expect(page.getByTestId('number-box')).toHaveCount(4);
  await expect(page.getByTestId('number')).toHaveAttribute('data-number', '2026');
  await page.getByTestId('read-digit').nth(3).click();
  await expect(page.getByTestId('number-digit').getByTestId('probabilities')).toHaveAttribute('data-top', '6');
  await expectAccessible(page, 'number mode');
  await page.setViewportSize({ width: 800, height: 600 });
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(sideways).toBeLessThanOrEqual(0);
});

test('open an image of a number', async ({ page }) => {
  await numberMode(page);
  await page.getByTestId('open-number-image').setInputFiles(imageFile);
  await expect(page.getByTestId('number')).toHaveAttribute('data-number', '1984');
  await expect(page.getByTestId('number-box')).toHaveCount(4);
});

test("the fake camera's number is read live", async ({ page }) => {
  await numberMode(page);
  await page.getByTestId('camera-start').click();
  await expect(page.getByTestId('camera')).toBeVisible();
  await expect(page.getByTestId('number')).toHaveAttribute('data-number', '305');
  await page.getByTestId('camera-stop').click();
});
