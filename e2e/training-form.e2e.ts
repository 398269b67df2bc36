// The Training form belongs to the person (issues 17 and 18), in the real window with the real engine: what is
// typed in a number field stays as typed, a long message does not push the fields beside it, and after a
// queue of the notebook's variants a reload shows the person's own form, not the last variant's.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const go = (page: Page, place: 'Training') => page.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: place }).click();

test('a number field keeps 1e-4, and a long message stays under its own field (issue 18, items 1 and 16)', async ({ page }) => {
  await go(page, 'Training');
  const editor = page.locator('.editor');
  const rate = editor.getByRole('spinbutton', { name: 'Learning rate' });
  await rate.selectText();
  await page.keyboard.type('1e-4');
  await expect(rate).toHaveValue('1e-4');
  await rate.press('Enter');
  await expect(rate).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('start')).toBeEnabled();

  await rate.selectText();
  await page.keyboard.type('0,001');
  await expect(rate).toHaveValue('0,001');
  await rate.selectText();
  await page.keyboard.type('1e-');
  await expect(page.getByTestId('start')).toBeDisabled();
  await rate.press('Tab');
  await expect(editor.locator('#error-learningRate')).toHaveText('"1e-" is not a number (write 0.001, .001, 0,001 or 1e-3)');

  await rate.fill('.001');
  await expect(page.getByTestId('start')).toBeEnabled();

  const epochs = editor.getByRole('spinbutton', { name: 'Epochs' });
  const seed = editor.getByRole('spinbutton', { name: 'Seed' });
  // Where the fields sit across the row (the recipe's "Custom" line above may move them down, never sideways).
  const across = async () => [await epochs.boundingBox(), await seed.boundingBox()].map((box) => [box!.x, box!.width]);
  const before = await across();
  const batch = editor.getByRole('spinbutton', { name: 'Batch size' });
  await batch.fill('60000');
  await batch.press('Enter');
  // Within the range, but a batch that large needs more memory than a run may take: a long message.
  await expect(editor.locator('#error-batchSize')).toBeVisible();
  expect((await editor.locator('#error-batchSize').textContent())!.length).toBeGreaterThan(40);
  expect(await across()).toEqual(before);
  // And the message wraps inside the editor instead of running out of it.
  const [message, card] = [await editor.locator('#error-batchSize').boundingBox(), await editor.boundingBox()];
  expect(message!.x + message!.width).toBeLessThanOrEqual(card!.x + card!.width);
});

test("after a queue of two variants, a reload shows the person's own Training form (issue 18, item 2)", async ({ page }) => {
  await go(page, 'Training');
  const editor = page.locator('.editor');
  await editor.getByRole('spinbutton', { name: 'Epochs' }).fill('4');
  await editor.getByRole('spinbutton', { name: 'Learning rate' }).fill('2e-3');

  await page.getByRole('button', { name: /Compare the notebook's variants/ }).click();
  const form = page.locator('#variants-form');
  for (const box of await form.getByRole('checkbox', { disabled: false }).all()) {
    if ((await box.getAttribute('value')) !== 'kernel-3') await box.uncheck();
  }
  await form.getByLabel('Training samples').fill('500');
  await form.getByLabel('Validation samples').fill('200');
  await form.getByLabel('Epochs').fill('1');
  await form.getByRole('button', { name: 'Train 2 runs' }).click();
  await expect(page.getByRole('status').filter({ hasText: "The notebook's variants are done: 2 runs side by side" })).toBeVisible({
    timeout: 150_000,
  });

  await page.reload();
  await page.getByTestId('backend').waitFor();
  await go(page, 'Training');
  // The person's form: 4 epochs at 0.002, 5×5 kernels, every sample; not the last variant's 3×3 on 500 samples.
  await expect(editor.getByRole('spinbutton', { name: 'Epochs' })).toHaveValue('4');
  // …and its text as typed (issue 29, item 8).
  await expect(editor.getByRole('spinbutton', { name: 'Learning rate' })).toHaveValue('2e-3');
  for (const kernel of await editor.getByRole('spinbutton', { name: 'Kernel' }).all()) await expect(kernel).toHaveValue('5');
  await expect(editor.getByRole('spinbutton', { name: 'Training samples' })).toHaveValue('');
  await expect(page.getByTestId('runs').getByRole('button', { name: 'kernels 3×3', exact: true })).toBeVisible();
});
