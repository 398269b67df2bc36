// Models in and out in browser mode: export the active model as three downloads, import those files through
// the file input, and the imported model is the active one and predicts exactly as before.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download } from '@playwright/test';
import type { StudioApi } from '../src/shared/contract.ts';
import { expect, test } from './fixtures';

const DIGITS = [0, 1, 2, 3, 8];

test('export the active model, re-import its files, and it predicts the same', async ({ page, target }) => {
  test.skip(target.kind === 'electron', 'under Electron the Export button saves a folder through the native dialog (src/main/exchange-ipc.test.ts)');
  const predictions = () =>
    page.evaluate(async (indices) => {
      const studio = (window as unknown as { studio: StudioApi }).studio;
      return Promise.all(indices.map(async (index) => (await studio.invoke('dataset:sample', { split: 'test', index })).prediction.probabilities));
    }, DIGITS);
  const before = await predictions();

  await page.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: 'Model' }).click();
  const place = page.getByRole('region', { name: 'Model' });
  const downloads: Download[] = [];
  page.on('download', (download) => downloads.push(download));
  await place.getByRole('button', { name: 'Export model' }).click();
  await expect.poll(() => downloads.length).toBe(3);
  const folder = mkdtempSync(join(tmpdir(), 'exported-'));
  const paths = await Promise.all(
    downloads.map(async (download) => {
      const path = join(folder, download.suggestedFilename());
      await download.saveAs(path);
      return path;
    }),
  );
  expect(downloads.map((d) => d.suggestedFilename()).sort()).toEqual(['manifest.json', 'model.json', 'weights.bin']);

  await place.getByLabel(/Import model/).setInputFiles(paths);
  // An export of the bundled model imports as an import of it, never as the bundled model itself, with the
  // accuracy its manifest declares, labelled so (issue 29, item 6).
  await expect(page.getByRole('status').filter({ hasText: 'Imported: now predicting with import of bundled LeNet-5' })).toBeVisible();
  await expect(page.getByTestId('active-model')).toContainText(/model: import of bundled LeNet-5 \(\d+\.\d+% declared\)/);
  const runs = await page.evaluate(() => (window as unknown as { studio: StudioApi }).studio.invoke('runs:list'));
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatchObject({
    status: 'done',
    dataDir: 'uploaded model',
    name: 'import of bundled LeNet-5',
    imported: { declaredAccuracy: expect.any(Number) },
  });
  expect(await predictions()).toEqual(before);

  // And in the window: a test digit opened in the Model place reads the same.
  await place.getByTestId('open-index').fill('8');
  await place.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('model-sample-label')).toHaveText('5');
  const said = before[DIGITS.indexOf(8)].indexOf(Math.max(...before[DIGITS.indexOf(8)]));
  await expect(place.getByTestId('model-sample').locator('.truth strong').nth(1)).toHaveText(String(said));
});
