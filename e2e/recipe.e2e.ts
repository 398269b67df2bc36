// The training recipe with the real engine: Quick chosen from the keyboard sets the quick preset's fields, a
// short run (a thousand samples) records its one-cycle schedule, and the place still fits 800×600.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { RunRecord, StudioApi } from '../src/shared/contract.ts';
import { seriousProblems } from './axe';
import { ARTIFACTS, expect, test } from './fixtures';

const field = (page: Page, name: string) => page.locator(`[data-field="${name}"]`);

test('choose Quick from the keyboard, train briefly with it, and see it at 800×600', async ({ page }) => {
  await page.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: 'Training' }).click();
  const recipes = page.getByRole('group', { name: 'Training recipe' });
  await expect(recipes.getByRole('radio', { name: 'Notebook recipe' })).toBeChecked();
  await expect(page.getByTestId('schedule')).toHaveText(/constant/);

  // Tab lands on the checked radio; the arrow keys move the choice, as in any radio group.
  await recipes.getByRole('radio', { name: 'Notebook recipe' }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(recipes.getByRole('radio', { name: 'Quick' })).toBeChecked();
  await expect(field(page, 'batchSize')).toHaveValue('250');
  await expect(field(page, 'learningRate')).toHaveValue('0.005');
  await expect(field(page, 'epochs')).toHaveValue('3');
  await expect(page.getByTestId('schedule')).toContainText('one-cycle, warm-up 25%');
  await expect(page.getByTestId('total-params')).toHaveText('61,706');

  await page.screenshot({ path: join(ARTIFACTS, 'recipe.png') });
  await page.setViewportSize({ width: 800, height: 600 });
  await recipes.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, 'recipe-800x600.png') });
  expect(await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

  // The sample limits are not part of the recipe: Quick stays chosen with them.
  await field(page, 'trainLimit').fill('1000');
  await field(page, 'testLimit').fill('200');
  await expect(recipes.getByRole('radio', { name: 'Quick' })).toBeChecked();
  await page.getByTestId('start').click();
  await expect(page.getByTestId('runs').locator('tr[data-status="done"]')).toHaveCount(1, { timeout: 120_000 });
  const runs = await page.evaluate(() => (window as unknown as { studio: StudioApi }).studio.invoke('runs:list'));
  const { spec } = runs.find((r): r is RunRecord => r.status === 'done')!;
  expect([spec.batchSize, spec.learningRate, spec.epochs, spec.schedule]).toEqual([250, 0.005, 3, { kind: 'one-cycle', warmup: 0.25 }]);

  // A hand edit afterwards is kept and shows as custom.
  await field(page, 'epochs').fill('2');
  await expect(page.getByTestId('recipe-status')).toHaveText(/Custom: differs from Quick in epochs/);
  await expect(recipes.getByRole('radio', { name: 'Quick' })).not.toBeChecked();
  await expect(field(page, 'epochs')).toHaveValue('2');
  await recipes.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, 'recipe-custom-800x600.png') });
  expect(await seriousProblems(page)).toEqual([]);
});
