import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { StudioApi } from '../src/shared/contract.ts';
import { ARTIFACTS, expect, test } from './fixtures';

const timings: { strokeToBarsMs: number[]; pageOf200Ms: number[] } = { strokeToBarsMs: [], pageOf200Ms: [] };

test.afterAll(() => {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const report = {
    strokeToBars: { goalMs: 50, medianMs: median(timings.strokeToBarsMs), samplesMs: timings.strokeToBarsMs },
    pageOf200Thumbnails: { goalMs: 30, medianMs: median(timings.pageOf200Ms), samplesMs: timings.pageOf200Ms },
  };
  writeFileSync(join(ARTIFACTS, 'timings.json'), JSON.stringify(report, null, 2) + '\n');
});

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

async function go(page: Page, place: 'Dataset' | 'Training' | 'Draw') {
  await page.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: place }).click();
}

test('browse and filter the dataset, open a sample', async ({ page }) => {
  await expect(page.getByTestId('backend')).toHaveText(/CPU \(WebAssembly\)|CPU \(TensorFlow\)|GPU: /);
  await expect(page.getByTestId('grid-total')).toHaveAttribute('data-total', '60000');
  await page.getByRole('button', { name: '7 only' }).click();
  await expect(page.getByTestId('grid-total')).toHaveAttribute('data-total', '6265');
  await expect(page.getByTestId('thumb-grid')).not.toHaveAttribute('data-loaded', '0');
  // Open the first thumbnail of the filtered grid.
  await page
    .getByTestId('thumb-grid')
    .locator('canvas')
    .click({ position: { x: 20, y: 20 } });
  await expect(page.getByTestId('sample-label')).toHaveText('7');
  await expect(page.getByTestId('sample-view').getByTestId('probabilities')).toHaveAttribute('data-top', /\d/);
  // Scroll far down: the grid fetches the pages it now shows.
  await page.getByTestId('thumb-grid').evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
  await expect.poll(async () => Number(await page.getByTestId('thumb-grid').getAttribute('data-loaded'))).toBeGreaterThan(200);
  await shot(page, 'dataset');
  await page.getByRole('button', { name: /^Test/ }).click();
  await expect(page.getByTestId('grid-total')).toHaveAttribute('data-total', '1028');
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await expect(page.getByTestId('grid-total')).toHaveAttribute('data-total', '10000');

  // Time pages of 200 thumbnails through the real transport, as the grid fetches them.
  for (let k = 0; k < 15; k++) {
    const ms = await page.evaluate(
      async (offset) => {
        const started = performance.now();
        await (window as unknown as { studio: StudioApi }).studio.invoke('dataset:page', { split: 'train', offset, limit: 200 });
        return performance.now() - started;
      },
      (k + 10) * 200,
    );
    timings.pageOf200Ms.push(ms);
  }
});

async function fill(page: Page, field: string, value: string) {
  await page.locator(`[data-field="${field}"]`).fill(value);
}

test('train a small run, watch the charts move, see it in the list', async ({ page }) => {
  await go(page, 'Training');
  await expect(page.getByTestId('total-params')).toHaveText('61,706');
  // An invalid field is named inline and blocks the start button.
  await fill(page, 'batchSize', '0');
  await expect(page.locator('#error-batchSize')).toBeVisible();
  await expect(page.getByTestId('start')).toBeDisabled();
  await fill(page, 'batchSize', '100');
  await fill(page, 'epochs', '3');
  await fill(page, 'trainLimit', '3000');
  await fill(page, 'testLimit', '500');
  await page.getByTestId('start').click();
  const loss = page.getByTestId('chart-loss');
  await expect.poll(async () => Number(await loss.getAttribute('data-points'))).toBeGreaterThan(2);
  const early = Number(await loss.getAttribute('data-points'));
  await expect.poll(async () => Number(await loss.getAttribute('data-points'))).toBeGreaterThan(early);
  await expect(page.getByTestId('progress')).toContainText(/Epoch \d\/3/);
  await expect(page.getByTestId('runs').locator('tr[data-status="done"]')).toHaveCount(1, { timeout: 120_000 });
  await expect(page.getByTestId('runs').locator('tr[data-status="done"] td').nth(4)).toHaveText(/\d+\.\d+%/);
  await shot(page, 'training');
  // The finished run can become the active model.
  await page.getByTestId('runs').locator('tr[data-status="done"]').getByRole('button', { name: 'Use', exact: true }).click();
  await expect(page.getByTestId('active-model')).toContainText('run ');
  await page.getByRole('button', { name: 'Go back to the bundled model' }).click();
  await expect(page.getByTestId('active-model')).toContainText('bundled');
});

test('see where the active model goes wrong', async ({ page }) => {
  await go(page, 'Training');
  await page.getByTestId('evaluate').click();
  await expect(page.getByTestId('confusion')).toHaveAttribute('data-total', '10000');
  await page.getByTestId('confusion').scrollIntoViewIfNeeded();
  await shot(page, 'evaluation');
});

test('stop a run mid-way', async ({ page }) => {
  await go(page, 'Training');
  await fill(page, 'epochs', '30');
  await fill(page, 'trainLimit', '6000');
  await fill(page, 'testLimit', '500');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('progress')).toContainText(/Epoch 1\/30/);
  // Training continues while another place is open.
  await go(page, 'Dataset');
  await go(page, 'Training');
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('runs').locator('tr[data-status="stopped"]')).toHaveCount(1);
  await expect(page.getByTestId('start')).toBeEnabled();
  await expect(page.getByTestId('runs').locator('tr[data-status="stopped"]').getByRole('button', { name: 'Resume' })).toBeVisible();
});

/** Draw one stroke through `points` (pad coordinates) with the mouse. */
async function stroke(page: Page, points: [number, number][]) {
  const box = (await page.getByTestId('drawing-pad').locator('canvas.upper-canvas').boundingBox())!;
  await page.mouse.move(box.x + points[0][0], box.y + points[0][1]);
  await page.mouse.down();
  for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x, box.y + y, { steps: 3 });
  const before = await page.getByTestId('latency').getAttribute('data-predictions');
  await page.mouse.up();
  await expect.poll(() => page.getByTestId('latency').getAttribute('data-latency')).not.toBe('');
  await expect.poll(() => page.getByTestId('latency').getAttribute('data-predictions')).not.toBe(before);
  timings.strokeToBarsMs.push(Number(await page.getByTestId('latency').getAttribute('data-latency')));
}

const line = (x0: number, y0: number, x1: number, y1: number, n = 12): [number, number][] =>
  Array.from({ length: n + 1 }, (_, i) => [x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n]);
const loop = (cx: number, cy: number, rx: number, ry: number, n = 36): [number, number][] =>
  Array.from({ length: n + 2 }, (_, i) => [cx + rx * Math.sin((2 * Math.PI * i) / n), cy - ry * Math.cos((2 * Math.PI * i) / n)]);

test('draw digits and see the right prediction', async ({ page }) => {
  await go(page, 'Draw');
  await expect(page.getByTestId('active-model')).toContainText('bundled');
  await stroke(page, line(200, 60, 198, 340));
  await expect(page.getByTestId('predicted-label')).toHaveText('1');
  await expect(page.getByTestId('probabilities')).toHaveAttribute('data-top', '1');
  await shot(page, 'draw-1');

  await page.getByTestId('clear').click();
  await expect(page.getByTestId('predicted-label')).toHaveText('?');
  await stroke(page, loop(200, 200, 85, 130));
  await expect(page.getByTestId('predicted-label')).toHaveText('0');
  await shot(page, 'draw-0');

  // A 7: the bar, then the downstroke, as two strokes.
  await page.getByTestId('clear').click();
  await stroke(page, line(100, 70, 300, 70));
  await stroke(page, line(300, 70, 170, 350));
  await expect(page.getByTestId('predicted-label')).toHaveText('7');
  await shot(page, 'draw-7');
});
