// The notebook's variants and named runs in browser mode, with the real engine: queue the baseline and one
// variant with quick limits, see them side by side once done, name one; and the Dataset grid marks the
// active model's mistakes.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { seriousProblems } from './axe';
import { chooseTanhVariants } from './variants-form';
import { ARTIFACTS, expect, test } from './fixtures';

const go = (page: Page, place: 'Dataset' | 'Training' | 'Model') =>
  page.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: place }).click();

test("queue the notebook's variants, compare them, and name one", async ({ page }) => {
  await go(page, 'Training');
  const form = await chooseTanhVariants(page, { train: '1000', test: '200' });
  await expect(page.getByTestId('variants-estimate')).toContainText('2 runs ≈');
  await form.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, 'variants.png') });
  expect(await seriousProblems(page)).toEqual([]);
  await form.getByRole('button', { name: 'Train 2 runs' }).click();
  await expect(page.getByTestId('queue-status')).toContainText(/Run [12] of 2/);
  await expect(page.getByRole('status').filter({ hasText: "The notebook's variants are done: 2 runs side by side" })).toBeVisible({
    timeout: 120_000,
  });
  const runs = page.getByTestId('runs');
  await expect(runs.getByRole('button', { name: 'baseline', exact: true })).toBeVisible();
  await expect(runs.getByRole('button', { name: 'tanh', exact: true })).toBeVisible();

  // Side by side in the Model place, already ticked: both curves, the one setting that differs, time and backend.
  await go(page, 'Model');
  const table = page.getByTestId('compare-table');
  await expect(table.locator('thead th')).toHaveText(['', /^baseline \(/, /^tanh \(/]);
  await expect(table.locator('tr.differs')).toHaveCount(1);
  await expect(table.locator('tr[data-field="activation"] td')).toHaveText(['relu', 'tanh']);
  await expect(table.getByRole('row', { name: /^time training/ }).locator('td')).toHaveText([/^\d+s$/, /^\d+s$/]);
  await expect(table.getByRole('row', { name: /^backend/ }).locator('td')).toHaveText([/wasm|tensorflow/, /wasm|tensorflow/]);
  await expect(page.getByTestId('chart-loss per epoch')).toHaveAttribute('data-points', '4');

  // Name the tanh run and write a note: the compare view and the runs list both show it.
  await page.getByTestId('compare-runs').getByRole('button', { name: 'Name and notes for run tanh' }).click();
  const notes = page.getByTestId('run-notes-form');
  expect(await seriousProblems(page)).toEqual([]);
  await notes.getByRole('textbox', { name: 'Name' }).fill('tanh, as in 1998');
  await notes.getByRole('textbox', { name: 'Notes' }).fill('the original LeNet activation');
  await notes.getByRole('button', { name: 'Save' }).click();
  await expect(table.locator('thead th').nth(2)).toHaveText(/^tanh, as in 1998 \(/);
  await expect(table.getByRole('row', { name: /^notes/ })).toContainText('the original LeNet activation');
  await table.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, 'variants-compare.png') });
  await go(page, 'Training');
  await expect(page.getByTestId('runs').getByRole('button', { name: 'tanh, as in 1998', exact: true })).toBeVisible();
});

test("the Dataset grid marks the active model's mistakes on the test split", async ({ page }) => {
  const grid = page.getByTestId('thumb-grid');
  await page.getByRole('button', { name: /^Test/ }).click();
  await page.getByRole('button', { name: "Mark the model's mistakes" }).click();
  // Evaluating the 10,000 test digits in a worker takes seconds (more on a busy machine).
  await expect(page.getByRole('button', { name: "Mark the model's mistakes" })).toBeEnabled({ timeout: 90_000 });
  const errors = await page.evaluate(async () => {
    const studio = (window as unknown as { studio: import('../src/shared/contract.ts').StudioApi }).studio;
    return (await studio.invoke('model:evaluate')).errors.map((e) => e.index);
  });
  // Scroll a few rows down so that the first two pages of thumbnails (0–399) are loaded.
  await grid.evaluate((el) => (el.scrollTop = 900));
  await expect.poll(async () => Number(await grid.getAttribute('data-loaded'))).toBeGreaterThanOrEqual(400);
  const expected = errors.filter((index) => index < 400).sort((a, b) => a - b);
  expect(expected.length).toBeGreaterThan(0);
  await expect
    .poll(async () => (await grid.getAttribute('data-marked'))!.split(' ').filter(Boolean).map(Number))
    .toEqual(expect.arrayContaining(expected));
  const marked = (await grid.getAttribute('data-marked'))!.split(' ').map(Number);
  expect(marked.every((index) => errors.includes(index))).toBe(true);
  await page.screenshot({ path: join(ARTIFACTS, 'dataset-mistakes.png') });
});
