// The window as a new user meets it: requests stay quiet, every place fits from 800×600 up, axe finds no
// serious problem, and a stopped run resumes where it stopped after a reload.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { RunRecord, StudioApi } from '../src/shared/contract.ts';
import { expectAccessible } from './axe';
import { ARTIFACTS, expect, test } from './fixtures';

type Place = 'Dataset' | 'Training' | 'Draw';
const PLACES: Place[] = ['Dataset', 'Training', 'Draw'];
/** The panels that must be on screen in each place. */
const KEY_PANELS: Record<Place, string[]> = {
  Dataset: ['thumb-grid', 'sample-view'],
  Training: ['start', 'progress', 'estimate'],
  Draw: ['drawing-pad', 'answer', 'model-input'],
};
/** What the scan needs of axe-core's page API. */

async function go(page: Page, place: Place) {
  await page.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: place }).click();
}

/** Count the requests the page sends, per channel, from now on (the page is reloaded to catch its socket). */
async function countRequests(page: Page): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  page.on('websocket', (socket) =>
    socket.on('framesent', (frame) => {
      const { channel } = JSON.parse(String(frame.payload)) as { channel: string };
      counts.set(channel, (counts.get(channel) ?? 0) + 1);
    }),
  );
  await page.reload();
  await page.getByTestId('backend').waitFor();
  return counts;
}

/**
 * The page has drawn two frames since now: whatever the last reply set off (an effect asking again, a
 * re-render) has run. The signal a negative check waits on, instead of a clock.
 */
function framesDrawn(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
}

test('an open sample stays open without further requests', async ({ page, target }) => {
  test.skip(target.kind !== 'browser', 'counts WebSocket frames: browser mode only');
  const counts = await countRequests(page);
  await expect(page.getByTestId('grid-total')).toHaveAttribute('data-total', '60000');
  await page.getByRole('button', { name: 'Open the first 3' }).click();
  await expect(page.getByTestId('sample-label')).toHaveText('3');
  const opened = counts.get('dataset:sample');
  expect(opened).toBe(1);
  await framesDrawn(page);
  expect(counts.get('dataset:sample')).toBe(1);
});

/** A vertical stroke down the middle of the pad: a 1. */
async function drawOne(page: Page) {
  const box = (await page.getByTestId('drawing-pad').locator('canvas.upper-canvas').boundingBox())!;
  await page.mouse.move(box.x + 200, box.y + 60);
  await page.mouse.down();
  for (let y = 60; y <= 340; y += 40) await page.mouse.move(box.x + 200, box.y + y, { steps: 2 });
  await page.mouse.up();
  await expect(page.getByTestId('predicted-label')).toHaveText('1');
}

test('one stroke sends one prediction when it ends', async ({ page, target }) => {
  test.skip(target.kind !== 'browser', 'counts WebSocket frames: browser mode only');
  const counts = await countRequests(page);
  await go(page, 'Draw');
  const box = (await page.getByTestId('drawing-pad').locator('canvas.upper-canvas').boundingBox())!;
  await page.mouse.move(box.x + 200, box.y + 60);
  await page.mouse.down();
  for (let y = 60; y <= 340; y += 40) await page.mouse.move(box.x + 200, box.y + y, { steps: 2 });
  const beforeUp = counts.get('model:predict') ?? 0;
  await page.mouse.up();
  await expect(page.getByTestId('predicted-label')).toHaveText('1');
  await framesDrawn(page);
  expect((counts.get('model:predict') ?? 0) - beforeUp).toBe(1);
});

for (const [width, height] of [
  [800, 600],
  [1024, 640],
  [1280, 800],
] as const) {
  test(`every place fits ${width}×${height} without horizontal scrolling`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    // Open a sample and draw, so that the panels show their full content.
    await page.getByRole('button', { name: 'Open the first 3' }).click();
    await expect(page.getByTestId('sample-label')).toHaveText('3');
    for (const place of PLACES) {
      await go(page, place);
      // Polled until the layout settles (charts resize in a ResizeObserver after the viewport changes).
      await expect
        .poll(() => page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth), { message: `${place} scrolls sideways` })
        .toBeLessThanOrEqual(0);
      for (const id of KEY_PANELS[place]) {
        await expect
          .poll(
            async () => {
              const box = await page.getByTestId(id).boundingBox();
              return box !== null && box.x >= 0 && box.x + box.width <= width;
            },
            { message: `${place}: ${id} is not laid out inside the window` },
          )
          .toBe(true);
      }
      if (place === 'Draw') await drawOne(page);
      // Into the test's artifacts only: tracked files are rewritten only when asked (layout.e2e.ts).
      if (width !== 1024) await page.screenshot({ path: join(ARTIFACTS, `${place.toLowerCase()}-${width}x${height}.png`) });
    }
  });
}

test('the grid follows the window when it shrinks', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const grid = page.getByTestId('thumb-grid');
  const wide = (await grid.boundingBox())!.width;
  await page.setViewportSize({ width: 800, height: 600 });
  await expect.poll(async () => (await grid.boundingBox())!.width).toBeLessThan(wide - 300);
  await expect
    .poll(async () => grid.locator('canvas').evaluate((c) => c.getBoundingClientRect().width))
    .toBeLessThanOrEqual((await grid.boundingBox())!.width);
});

test('axe finds no serious or critical problem in any place', async ({ page }) => {
  await page.getByRole('button', { name: 'Open the first 3' }).click();
  await expect(page.getByTestId('sample-label')).toHaveText('3');
  for (const place of PLACES) {
    await go(page, place);
    await expectAccessible(page, place);
  }
});

test('the keyboard opens a thumbnail and drives training', async ({ page }) => {
  const grid = page.getByTestId('thumb-grid');
  await expect(grid).not.toHaveAttribute('data-loaded', '0');
  await grid.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('sample-view')).toContainText('Sample #1');
  await go(page, 'Training');
  await page.locator('[data-field="epochs"]').fill('1');
  await page.locator('[data-field="trainLimit"]').fill('1000');
  await page.locator('[data-field="testLimit"]').fill('200');
  await page.locator('[data-field="testLimit"]').blur();
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('stop')).toBeVisible();
  await expect(page.getByTestId('start')).toBeVisible({ timeout: 60_000 });
});

test('a limit out of range is named beside its field and blocks Start', async ({ page }) => {
  await go(page, 'Training');
  await page.locator('[data-field="trainLimit"]').fill('-5');
  await expect(page.locator('#error-trainLimit')).toHaveText('must be at least 1 (leave empty for all)');
  await expect(page.getByTestId('start')).toBeDisabled();
  await page.locator('[data-field="trainLimit"]').fill('');
  await expect(page.getByTestId('start')).toBeEnabled();
});

test('stop mid-epoch, reload, resume: the run keeps its limits and a clean curve', async ({ page }) => {
  await go(page, 'Training');
  await page.locator('[data-field="epochs"]').fill('3');
  await page.locator('[data-field="batchSize"]').fill('100');
  await page.locator('[data-field="trainLimit"]').fill('6000');
  await page.locator('[data-field="testLimit"]').fill('500');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('progress')).toContainText(/Epoch 2\/3, batch [1-9]\d*\//, { timeout: 120_000 });
  await expect(page).toHaveTitle(/Epoch 2\/3 · \d+% — Digit Studio/);
  await page.getByTestId('stop').click();
  const stopped = page.getByTestId('runs').locator('tr[data-status="stopped"]').first();
  await expect(stopped).toBeVisible();
  const id = (await stopped.getAttribute('data-run'))!;
  const row = page.getByTestId('runs').locator(`tr[data-run="${id}"]`);
  await page.reload();
  await go(page, 'Training');
  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(row).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(row).toContainText('6,000 samples');
  await expect(row.locator('td').nth(2)).toHaveText('3/3');
  const { run, metrics } = await page.evaluate(async (id) => {
    const studio = (window as unknown as { studio: StudioApi }).studio;
    const runs = await studio.invoke('runs:list');
    return { run: runs.find((r): r is RunRecord => r.id === id && r.status !== 'unreadable')!, metrics: await studio.invoke('runs:metrics', { id }) };
  }, id);
  expect([run.trainLimit, run.testLimit]).toEqual([6000, 500]);
  expect(metrics.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
  const steps = metrics.batches.map((b) => b.step);
  expect(
    steps.every((step, i) => i === 0 || step > steps[i - 1]),
    'batch steps go forward only',
  ).toBe(true);
  expect(steps.at(-1)).toBe(3 * 60);
});

test('a wrong token gives one message, not two', async ({ page, target }) => {
  test.skip(target.kind !== 'browser', 'the token is browser mode’s');
  const url = new URL(page.url());
  url.searchParams.set('token', 'wrong');
  // A page of its own: the refused socket is logged as a console error, which is the point here.
  const refused = await page.context().newPage();
  await refused.goto(url.href);
  await expect(refused.getByRole('alert')).toHaveCount(1);
  await expect(refused.getByRole('alert')).toContainText('could not start');
  expect(await refused.evaluate(() => getComputedStyle(document.body, '::before').content)).toBe('none');
  await refused.close();
});
