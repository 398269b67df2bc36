// My digits end to end, in browser mode with the real engine: save a drawing with its label, find it under My
// digits, relabel it, delete it; import an IDX pair, fine-tune a short run and read the before/after table;
// and a dot or a scribble reads as unsure instead of as a confident digit.
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { StudioApi } from '../src/shared/contract.ts';
import type { Drawing } from '../src/shared/digits.ts';
import { expectAccessible } from './axe';
import { ARTIFACTS, expect, test } from './fixtures';

async function go(page: Page, place: 'Dataset' | 'Training' | 'Draw' | 'Model') {
  await page.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: place }).click();
}

async function padBox(page: Page) {
  return (await page.getByTestId('drawing-pad').locator('canvas.upper-canvas').boundingBox())!;
}

/** A vertical bar down the middle of the pad: the bundled model reads it as a 1. */
async function drawOne(page: Page) {
  const box = await padBox(page);
  await page.mouse.move(box.x + 200, box.y + 60);
  await page.mouse.down();
  for (let y = 80; y <= 340; y += 20) await page.mouse.move(box.x + 199, box.y + y, { steps: 2 });
  await page.mouse.up();
}

/** Screenshots at 1280×800 and 800×600 into the test's artifacts, with `focus` (if given) scrolled into view at each size. */
async function shoot(page: Page, name: string, focus?: Locator) {
  for (const [width, height] of [
    [1280, 800],
    [800, 600],
  ] as const) {
    await page.setViewportSize({ width, height });
    await focus?.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${width}x${height}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** The payloads of every `digits:save` the page sends from now on (the page is reloaded to catch its socket). */
async function watchSaves(page: Page): Promise<{ label: number; drawing: Drawing }[]> {
  const saves: { label: number; drawing: Drawing }[] = [];
  page.on('websocket', (socket) =>
    socket.on('framesent', (frame) => {
      const request = JSON.parse(String(frame.payload)) as { channel: string; payload: { label: number; drawing: Drawing } };
      if (request.channel === 'digits:save') saves.push(request.payload);
    }),
  );
  await page.reload();
  await page.getByTestId('backend').waitFor();
  return saves;
}

test('draw, save as a label, see it under My digits, relabel it, delete it', async ({ page, target }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const saves = target.kind === 'browser' ? await watchSaves(page) : null;
  await go(page, 'Draw');
  const draw = page.getByRole('region', { name: 'Draw' });
  await drawOne(page);
  await expect(page.getByTestId('predicted-label')).toHaveText('1');
  // The predicted digit is the highlighted one; saving it as 1 takes one click.
  await expect(draw.getByRole('button', { name: 'Save as 1 (predicted)' })).toBeEnabled();
  await shoot(page, 'draw-save');
  await draw.getByRole('button', { name: 'Save as 1 (predicted)' }).click();
  await expect(page.getByTestId('save-status')).toHaveText(/Saved as 1 to My digits\./);
  if (saves) {
    // One request, carrying the stroke as vectors down the pad (x near 200, y from 60 to 340), the pad's size,
    // its PNG, and the 28×28 the model saw.
    expect(saves).toHaveLength(1);
    const { label, drawing } = saves[0];
    expect(label).toBe(1);
    expect(drawing.strokes).toHaveLength(1);
    const ys = drawing.strokes[0].points.map(([, y]) => y);
    expect(Math.min(...ys)).toBeLessThan(70);
    expect(Math.max(...ys)).toBeGreaterThan(330);
    for (const [x] of drawing.strokes[0].points) expect(Math.abs(x - 200)).toBeLessThan(3);
    expect(drawing.canvas).toEqual({ width: 400, height: 400 });
    expect(Buffer.from(drawing.png, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(drawing.field).toHaveLength(784);
  }
  // Saved and cleared, ready for the next digit; the keys 0–9 save too.
  await expect(page.getByTestId('clear')).toBeDisabled();
  await drawOne(page);
  await expect(page.getByTestId('predicted-label')).toHaveText('1');
  await page.keyboard.press('4');
  await expect(page.getByTestId('save-status')).toHaveText(/^Saved as 4 to My digits — the model read 1\./);
  await page.getByTestId('save-status').getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('save-status')).toHaveText(/Removed the 4 just saved from My digits\./);
  await shoot(page, 'draw-saved');

  await go(page, 'Dataset');
  const dataset = page.getByRole('region', { name: 'Dataset' });
  await dataset.getByTestId('source-mine').click();
  const tiles = dataset.getByTestId('my-digit');
  await expect(tiles).toHaveCount(1);
  await expect(tiles.first()).toHaveAttribute('data-label', '1');
  await shoot(page, 'my-digits');

  // Relabel from the keyboard-usable select: the grid and the engine's collection agree.
  await tiles.first().getByRole('combobox').selectOption('7');
  await expect(tiles.first()).toHaveAttribute('data-label', '7');
  const stored = await page.evaluate(
    async () => (await (window as unknown as { studio: StudioApi }).studio.invoke('digits:list', { offset: 0 })).digits,
  );
  expect(stored.map((d) => d.label)).toEqual([7]);

  page.once('dialog', (dialog) => void dialog.accept());
  await tiles
    .first()
    .getByRole('button', { name: /^Delete the 7/ })
    .click();
  await expect(tiles).toHaveCount(0);
  await expect(dataset.getByTestId('my-digits-empty')).toContainText('In the Draw place, draw a digit');
  await shoot(page, 'my-digits-empty');
});

/** An IDX pair of `count` MNIST test digits, read from the engine, as the two files an export writes. */
async function idxPairOfTestDigits(page: Page, count: number) {
  const { labels, pixels } = await page.evaluate(async (n) => {
    const studio = (window as unknown as { studio: StudioApi }).studio;
    return studio.invoke('dataset:samples', { split: 'test', indices: Array.from({ length: n }, (_, i) => i) });
  }, count);
  const images = Buffer.alloc(16 + count * 784);
  [2051, count, 28, 28].forEach((value, i) => images.writeUInt32BE(value, 4 * i));
  Buffer.from(pixels, 'base64').copy(images, 16);
  const labelFile = Buffer.alloc(8 + count);
  [2049, count].forEach((value, i) => labelFile.writeUInt32BE(value, 4 * i));
  Buffer.from(labels).copy(labelFile, 8);
  return [
    { name: 'train-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: labelFile },
    { name: 'train-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: images },
  ];
}

test('import an IDX pair, fine-tune a short run on it, and read accuracy before and after', async ({ page }) => {
  test.setTimeout(900_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await go(page, 'Training');
  const training = page.getByRole('region', { name: 'Training' });
  await expect(training.getByTestId('finetune-why')).toContainText('Fine-tuning needs at least 10 of my digits; you have 0.');
  await expect(training.getByTestId('finetune-start')).toBeDisabled();

  await go(page, 'Dataset');
  const dataset = page.getByRole('region', { name: 'Dataset' });
  await dataset.getByTestId('source-mine').click();
  await dataset.getByTestId('import-digits').setInputFiles(await idxPairOfTestDigits(page, 24));
  await expect(dataset.getByTestId('digits-status')).toHaveText('Imported 24 digits into My digits.');
  await expect(dataset.getByTestId('my-digit')).toHaveCount(24);
  await shoot(page, 'my-digits-imported');
  await expectAccessible(page, 'My digits');

  // My digits leads to the fine-tune panel, its first setting focused.
  await dataset.getByTestId('go-finetune').click();
  const panel = training.getByTestId('finetune');
  await expect(panel.getByRole('spinbutton', { name: 'Fine-tune epochs' })).toBeFocused();
  await expect(panel).toContainText('24 of my digits');
  await panel.getByRole('spinbutton', { name: 'Fine-tune epochs' }).fill('1');
  await expect(training.getByTestId('finetune-start')).toBeEnabled();
  await training.getByTestId('finetune-start').click();
  await expect(training.getByTestId('stop')).toBeVisible();
  const table = training.getByTestId('finetune-table');
  await expect(table).toHaveAttribute('data-done', 'true', { timeout: 800_000 });
  await expect(table.locator('tr[data-row="mine"] td')).toHaveText([/^\d+\.\d\d%$/, /^\d+\.\d\d%$/, /^[+−]\d+\.\d\d pt$/]);
  await expect(table.locator('tr[data-row="mnist"] td')).toHaveText([/^\d+\.\d\d%$/, /^\d+\.\d\d%$/, /^[+−]\d+\.\d\d pt$/]);
  // The run is listed as a fine-tune run.
  const runId = await table.getAttribute('data-run');
  await expect(training.locator(`tr[data-run="${runId}"]`).getByTestId('finetune-run')).toHaveText('fine-tune');
  await shoot(page, 'finetune', table);
  // Its model is one click away.
  await training.getByTestId('finetune-use').click();
  await expect(page.getByTestId('active-model')).not.toContainText('bundled');
  await expect(training.getByTestId('finetune-use')).toHaveCount(0);
});

test('a dot or a scribble reads as unsure, not as a confident digit', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await go(page, 'Draw');
  const box = await padBox(page);
  // A dot: one click.
  await page.mouse.click(box.x + 120, box.y + 150);
  await expect(page.getByTestId('unsure')).toContainText('Not sure');
  await expect(page.getByTestId('predicted-label')).toHaveText('?');
  await expect(page.getByTestId('probabilities')).toHaveAttribute('data-unsure', 'true');
  await shoot(page, 'draw-unsure-dot');
  await expectAccessible(page, 'Draw, unsure');

  // A scribble: one stroke zig-zagging over the whole pad.
  await page.getByTestId('clear').click();
  await page.mouse.move(box.x + 40, box.y + 40);
  await page.mouse.down();
  for (let k = 0; k < 14; k++) await page.mouse.move(box.x + (k % 2 ? 360 : 40), box.y + 40 + k * 24, { steps: 4 });
  for (let k = 0; k < 14; k++) await page.mouse.move(box.x + 40 + k * 24, box.y + (k % 2 ? 360 : 40), { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId('unsure')).toContainText('Not sure');
  await expect(page.getByTestId('predicted-label')).toHaveText('?');
  await shoot(page, 'draw-unsure-scribble');
});

test('augmentation: the toggle, its ranges, and a preview of augmented training digits', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await go(page, 'Training');
  const training = page.getByRole('region', { name: 'Training' });
  await training.getByRole('checkbox', { name: 'Augment training digits' }).check();
  const preview = training.getByTestId('augment-preview');
  await expect(preview).toHaveAttribute('data-count', '24');
  await expect(preview.getByRole('listitem')).toHaveCount(24);
  const seed = await preview.getAttribute('data-seed');
  await training.getByRole('button', { name: 'Another batch' }).click();
  await expect(preview).not.toHaveAttribute('data-seed', seed!);
  await expect(preview).toHaveAttribute('data-count', '24');

  // A range beyond its limit is named beside its field, and the preview keeps the last good batch.
  const rotation = training.getByRole('spinbutton', { name: /^rotation/ });
  await rotation.fill('90');
  await expect(rotation).toHaveAttribute('aria-invalid', 'true');
  await expect(training.getByText('must be at most 45°')).toBeVisible();
  await rotation.fill('20');
  await expect(rotation).not.toHaveAttribute('aria-invalid');
  await shoot(page, 'augment-preview', preview);
  // At 800×600 the settings sit above the rest and scroll away with it, instead of covering what is below.
  await page.setViewportSize({ width: 800, height: 600 });
  await preview.scrollIntoViewIfNeeded();
  const settings = training.locator('.editor');
  const [a, b] = [(await settings.boundingBox())!, (await preview.boundingBox())!];
  expect(a.y + a.height <= b.y || b.y + b.height <= a.y, 'the settings cover the preview').toBe(true);
  await page.setViewportSize({ width: 1280, height: 800 });
  await expectAccessible(page, 'Training with augmentation and fine-tuning');
});
