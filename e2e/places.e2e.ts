// What a newcomer met in each place, in the real window (issue 18): an opened image on the pad (item 11), the
// Draw place using a wide window (12), focus after Evaluate (4), the mistakes marked with progress and an on
// state that is not an error's (10), the place kept across a reload, a plain backend badge and a one-row
// header (17), and a clicked mistake brought into sight (18).
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const go = (page: Page, place: 'Dataset' | 'Training' | 'Draw' | 'Model') =>
  page.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: place }).click();

/** A PNG of a black 7 on white paper, made by the page's own canvas. */
async function sevenPng(page: Page): Promise<Buffer> {
  const url = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 200;
    const context = canvas.getContext('2d')!;
    context.fillStyle = 'white';
    context.fillRect(0, 0, 200, 200);
    context.strokeStyle = 'black';
    context.lineWidth = 18;
    context.beginPath();
    context.moveTo(50, 40);
    context.lineTo(150, 40);
    context.lineTo(80, 170);
    context.stroke();
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(url.replace(/^data:image\/png;base64,/, ''), 'base64');
}

test('Draw: an opened image shows on the pad with its name and can be saved (11); a wide window is used (12)', async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await go(page, 'Draw');
  await page.getByTestId('open-image').setInputFiles({ name: 'seven.png', mimeType: 'image/png', buffer: await sevenPng(page) });
  await expect(page.getByTestId('opened-name')).toHaveText('Opened seven.png');
  await expect(page.getByTestId('predicted-label')).toHaveText(/^\d$/);
  // The pad shows the image: dark pixels on its canvas.
  const ink = await page
    .getByTestId('drawing-pad')
    .locator('canvas.lower-canvas')
    .evaluate((canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] < 100) dark++;
      return dark;
    });
  expect(ink).toBeGreaterThan(1000);
  const seven = page.getByRole('button', { name: /^Save as 7/ });
  await expect(seven).toBeEnabled();
  await seven.click();
  await expect(page.getByTestId('save-status')).toContainText('Saved as 7 to My digits');
  // A new drawing forgets that save: its line and its Undo, which would remove the 7 (issue 29, item 4).
  const box = (await page.getByTestId('drawing-pad').locator('canvas.upper-canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 80);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height - 80, { steps: 6 });
  await page.mouse.up();
  await expect(page.getByTestId('save-status')).toHaveText('');
  await expect(page.getByTestId('save-status').getByRole('button', { name: 'Undo' })).toHaveCount(0);

  // At 1920 px the network view sits beside the pad, not under it with half the width empty.
  const pad = (await page.locator('.pad-card').boundingBox())!;
  const network = (await page.locator('.card.network').boundingBox())!;
  expect(network.y).toBeLessThan(pad.y + pad.height);
  expect(network.x + network.width).toBeGreaterThan(1920 * 0.9);
  // The timings are behind a disclosure, not read out with the answer.
  await expect(page.getByText(/Stroke end to these bars/)).toBeHidden();
});

test('the frame and the Model place: place kept on reload, plain badge, one-row header, focus after Evaluate, a mistake brought into sight, mistakes marked without pink', async ({
  page,
}) => {
  await page.setViewportSize({ width: 800, height: 600 });
  // Header: one row at 800 px, and the backend stated as a fact, not in warning colours.
  const header = (await page.locator('header').boundingBox())!;
  expect(header.height).toBeLessThan(60);
  const badge = page.getByTestId('backend');
  const colours = await badge.evaluate((b) => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]);
  expect(colours).not.toContain('rgb(91, 74, 22)');
  expect(colours).not.toContain('rgb(255, 232, 163)');
  await expect(page.getByTestId('invite')).toContainText('Draw a digit');

  // Dataset: marking the mistakes shows progress or, once done, the count; the on state is not an error's pink.
  await page.getByRole('button', { name: /^Test/ }).click();
  const mark = page.getByTestId('mark-mistakes');
  await mark.click();
  await expect(page.getByTestId('mistakes-progress').or(page.getByTestId('mistakes-count'))).toBeVisible();
  await expect(page.getByTestId('mistakes-count')).toContainText(/\d+ test digits the model reads wrong/);
  await expect(mark).toHaveAttribute('aria-pressed', 'true');
  expect(await mark.evaluate((b) => getComputedStyle(b).backgroundColor)).not.toBe('rgb(253, 226, 225)');

  // Model: Evaluate with the keyboard; the focus lands on the result, and the first mistake is three Tabs on.
  await go(page, 'Model');
  await expect(page).toHaveURL(/#model$/);
  await page.getByTestId('model-evaluate').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('evaluation-summary')).toBeFocused();
  for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
  const first = page.getByTestId('error-thumb').first();
  await expect(first).toBeFocused();
  // Opening it puts its number in the field and brings the network view into sight.
  const index = (await first.textContent())!.match(/Test digit (\d+)/)![1];
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('open-index')).toHaveValue(index);
  await expect(page.getByTestId('model-sample').getByRole('heading', { name: /^Test digit #/ })).toHaveText(`Test digit #${index}`);
  await expect(page.getByRole('region', { name: 'Model' }).getByTestId('network-view')).toBeInViewport();

  // A reload returns to the Model place.
  await page.reload();
  await page.getByTestId('backend').waitFor();
  await expect(page.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: 'Model' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('region', { name: 'Model' })).toBeVisible();
});
