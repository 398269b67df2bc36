// Issue 31 end to end, in browser mode with the real engine, at 800×600: a folder of labelled images imported as
// a data set (stray files skipped and named), browsed with the label filter and the sample view, its mistakes
// marked, the active model evaluated on it in the Model place, and a short fine-tune on it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { bundledMnistDir, limitSplit, loadSplit } from '../src/engine/data/dataset.ts';
import { writeImageFolder } from '../src/engine/testing/image-folder.ts';
import { expectAccessible } from './axe';
import { expect, test } from './fixtures';

const go = (page: Page, place: 'Dataset' | 'Training' | 'Model') =>
  page.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: place }).click();

/** How far the page scrolls sideways (0 when it fits). */
const sideways = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth - document.scrollingElement!.clientWidth);

/** 120 MNIST test digits as someone's scans (84×84, dark on white, every fifth a JPEG), a text file and a broken PNG. */
async function scans(): Promise<string> {
  const folder = join(mkdtempSync(join(tmpdir(), 'e2e-scans-')), 'class 3B');
  writeImageFolder(folder, limitSplit(await loadSplit(bundledMnistDir(), 'test'), 120), { side: 84, paper: true, jpegEvery: 5 });
  writeFileSync(join(folder, '7', 'notes.txt'), 'sheet 2');
  writeFileSync(join(folder, '2', 'broken.png'), readFileSync(join(folder, '2', '00001.png')).subarray(0, 50));
  return folder;
}

test('import a folder of images, browse it, evaluate on it and fine-tune with it, at 800×600', async ({ page }) => {
  test.setTimeout(900_000);
  await page.setViewportSize({ width: 800, height: 600 });
  await go(page, 'Dataset');
  const dataset = page.getByRole('region', { name: 'Dataset' });
  await dataset.getByTestId('import-folder-input').setInputFiles(await scans());
  await expect(dataset.getByTestId('import-folder-report')).toHaveText(/^\d+ images added to “class 3B” \(\d+ in all\), 2 files skipped\.$/);
  await dataset.getByTestId('import-folder-skipped').locator('summary').click();
  await expect(dataset.getByTestId('import-folder-skipped')).toContainText('7/notes.txt: not a PNG or JPEG image');
  await expect(dataset.getByTestId('import-folder-skipped')).toContainText('2/broken.png: corrupt PNG');
  const source = dataset.locator('[data-testid="source-set"][data-name="class 3B"]');
  await expect(source).toHaveAttribute('aria-pressed', 'true');
  const count = Number((await source.textContent())!.match(/\((\d+)\)/)![1]);
  expect(count).toBeGreaterThan(100);
  await expect(dataset.getByTestId('grid-total')).toHaveAttribute('data-total', String(count));
  expect(await sideways(page)).toBe(0);

  // Browsing: the label filter, a sample with its file, and the model's mistakes marked.
  await dataset.getByRole('button', { name: '7 only' }).click();
  await expect(dataset.getByTestId('grid-total')).not.toHaveAttribute('data-total', String(count));
  await dataset.getByRole('button', { name: 'Open the first 7' }).click();
  await expect(dataset.getByTestId('sample-file')).toHaveText(/^7\/\d{5}\.(png|jpg): the 28×28 the model sees$/);
  await expect(dataset.getByTestId('sample-label')).toHaveText('7');
  await dataset.getByTestId('mark-mistakes').click();
  await expect(dataset.getByTestId('mistakes-count')).toHaveText(new RegExp(`^\\d+ of the ${count} images of “class 3B” the model reads wrong`));
  expect(await sideways(page)).toBe(0);
  await expectAccessible(page, 'Dataset with a data set');

  // The Model place evaluates the active model on it.
  await go(page, 'Model');
  const model = page.getByRole('region', { name: 'Model' });
  await model.getByTestId('evaluate-source').selectOption('set:class 3B');
  await model.getByTestId('model-evaluate').click();
  await expect(model.getByTestId('evaluation-summary')).toContainText(`% of ${count} images of “class 3B” right`);
  expect(await sideways(page)).toBe(0);

  // A short fine-tune on it, measured before and after.
  await go(page, 'Training');
  const training = page.getByRole('region', { name: 'Training' });
  const panel = training.getByTestId('finetune');
  await panel.getByTestId('finetune-source').selectOption('class 3B');
  await panel.getByRole('spinbutton', { name: 'Fine-tune epochs' }).fill('1');
  await panel.getByRole('spinbutton', { name: 'MNIST samples' }).fill('2000');
  await expect(training.getByTestId('finetune-start')).toHaveText('Fine-tune on “class 3B”');
  await training.getByTestId('finetune-start').click();
  const table = training.getByTestId('finetune-table');
  await expect(table).toHaveAttribute('data-done', 'true', { timeout: 800_000 });
  await expect(table.locator('tr[data-row="mine"] td')).toHaveText([/^\d+\.\d\d%$/, /^\d+\.\d\d%$/, /^[+−]\d+\.\d\d pt$/]);
  expect(await sideways(page)).toBe(0);
});
