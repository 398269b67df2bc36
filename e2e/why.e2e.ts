// "Why did it say that" in the Draw place: the nearest training digits of a drawing, and the drawing through
// the epochs of a run trained here; each fits an 800×600 window and passes axe.
import type { Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { expect, test } from './fixtures';

// Building the index embeds all 60,000 training digits once per model: on a loaded 2-core machine, minutes.
test.setTimeout(600_000);

async function go(page: Page, place: 'Dataset' | 'Training' | 'Draw') {
  await page.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: place }).click();
}

/** A 1: one vertical stroke down the middle of the pad. */
async function drawOne(page: Page) {
  const box = (await page.getByTestId('drawing-pad').locator('canvas.upper-canvas').boundingBox())!;
  const before = await page.getByTestId('latency').getAttribute('data-predictions');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.15);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + box.width / 2, box.y + box.height * (0.15 + (0.7 * i) / 12), { steps: 2 });
  await page.mouse.up();
  await expect.poll(() => page.getByTestId('latency').getAttribute('data-predictions')).not.toBe(before);
}

/** Nothing in `selector` reaches past the window's right edge, and the page does not scroll sideways. */
async function expectFits(page: Page, selector: string) {
  const right = await page.locator(selector).evaluate((element) => element.getBoundingClientRect().right);
  expect(right).toBeLessThanOrEqual(800);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
}

test('a drawing shows eight nearest training digits with labels, and one opens in the Dataset place', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 600 });
  await go(page, 'Draw');
  await drawOne(page);
  const neighbours = page.getByTestId('neighbours');
  await expect(neighbours).toHaveAttribute('data-count', '8', { timeout: 540_000 });
  const items = neighbours.getByTestId('neighbour');
  await expect(items).toHaveCount(8);
  for (const label of await items.evaluateAll((els) => els.map((el) => el.getAttribute('data-label')))) expect(label).toMatch(/^\d$/);
  await expect(neighbours.getByRole('heading')).toHaveText(/Looks like these \ds/);
  await neighbours.scrollIntoViewIfNeeded();
  await expectFits(page, '[data-testid="neighbours"]');
  await expectAccessible(page, 'Draw place with the nearest training digits');
  await expect(items.first()).toHaveAccessibleName(/^Open training digit \d+, labelled \d at distance \d+\.\d$/);
  const index = await items.first().getAttribute('data-index');
  await items.first().click();
  await expect(page.getByTestId('sample-view')).toContainText(`Sample #${index}`);
});

test("a run trained for three epochs shows the drawing's answer after each", async ({ page }) => {
  await go(page, 'Training');
  await page.locator('[data-field="epochs"]').fill('3');
  await page.locator('[data-field="trainLimit"]').fill('300');
  await page.locator('[data-field="testLimit"]').fill('100');
  await page.getByTestId('start').click();
  const done = page.getByTestId('runs').locator('tr[data-status="done"]');
  await expect(done).toHaveCount(1, { timeout: 300_000 });
  await done.getByRole('button', { name: 'Use', exact: true }).click();
  await expect(page.getByTestId('active-model')).toContainText('run ');
  await page.setViewportSize({ width: 800, height: 600 });
  await go(page, 'Draw');
  await drawOne(page);
  const history = page.getByTestId('epoch-history');
  await expect(history).toHaveAttribute('data-count', '3');
  await expect(history.getByTestId('epoch')).toHaveCount(3);
  await expect(history.getByTestId('epoch-slider')).toHaveAttribute('max', '3');
  await history.getByTestId('epoch').first().click();
  await expect(history.getByTestId('epoch').first()).toHaveAttribute('aria-pressed', 'true');
  await expect(history.getByTestId('network-view')).toHaveAttribute('data-layers', /[1-9]/);
  await history.scrollIntoViewIfNeeded();
  await expectFits(page, '[data-testid="epoch-history"]');
  await expectAccessible(page, "Draw place with the run's epochs");
});
