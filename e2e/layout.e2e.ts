// Every place in every state that has content fits the small windows the README promises (800×600 and
// 1024×640): no sideways scroll, no control cut off, spilling out of its card or covered; axe-core finds no
// serious problem in any of them; and the README's screenshots of each place come from this run when
// DIGIT_STUDIO_SCREENSHOTS=1 asks (issue 18, item 3 and its bars; never on an ordinary test run, which would
// rewrite tracked files).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { seriousProblems } from './axe';
import { expect, test } from './fixtures';

type Place = 'Dataset' | 'Training' | 'Draw' | 'Model';
const PLACES: Place[] = ['Dataset', 'Training', 'Draw', 'Model'];
const SMALL = [
  [800, 600],
  [1024, 640],
] as const;
/** Where the README's screenshots are written: only when DIGIT_STUDIO_SCREENSHOTS=1 asks for them. */
const SCREENS = process.env.DIGIT_STUDIO_SCREENSHOTS === '1' ? join('docs', 'screens') : null;
if (SCREENS) mkdirSync(SCREENS, { recursive: true });

const go = (page: Page, place: Place) => page.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: place }).click();

/** What does not fit: the page's sideways scroll, and each visible control that ends outside the window, outside
 *  its card or a clipping box, or is covered by something else where it is on screen. */
function misfits(page: Page) {
  return page.evaluate(() => {
    const name = (e: Element) =>
      `${e.tagName.toLowerCase()}${e.getAttribute('data-testid') ? `[${e.getAttribute('data-testid')}]` : ''} "${(e.getAttribute('aria-label') ?? e.textContent ?? '').trim().slice(0, 40)}"`;
    const problems: string[] = [];
    const root = document.scrollingElement!;
    if (root.scrollWidth > root.clientWidth) {
      // Name the widest boxes that cause it: those past the edge whose children are not.
      const past = Array.from(document.body.querySelectorAll('*')).filter(
        (e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('[hidden]'),
      );
      const causes = past.filter((e) => !Array.from(e.children).some((c) => past.includes(c))).slice(0, 3);
      problems.push(
        `the page scrolls sideways by ${root.scrollWidth - root.clientWidth}px: ${causes.map((e) => `${name(e)} .${e.className}`).join('; ')}`,
      );
    }
    // A box of its own that scrolls sideways (the settings panel did, by 6 px).
    for (const box of Array.from(document.querySelectorAll('main *'))) {
      const overflow = getComputedStyle(box).overflowX;
      if ((overflow === 'auto' || overflow === 'scroll') && box.scrollWidth > box.clientWidth + 1 && box.getBoundingClientRect().width > 0)
        problems.push(`${name(box)} .${box.className} scrolls sideways by ${box.scrollWidth - box.clientWidth}px`);
    }
    // A toolbar's buttons stay on one row (a lone "9" wrapped onto a line of its own).
    for (const bar of Array.from(document.querySelectorAll('main [role="toolbar"]'))) {
      const tops = new Set(Array.from(bar.querySelectorAll('button')).map((b) => Math.round(b.getBoundingClientRect().top)));
      if (bar.getBoundingClientRect().width > 0 && tops.size > 1) problems.push(`the ${bar.getAttribute('aria-label')} wraps onto ${tops.size} rows`);
    }
    // The active model's name is never cut short in the header (it read "bun…" at 800 px).
    const model = document.querySelector('[data-testid="active-model"]');
    if (model && model.scrollWidth > model.clientWidth + 1) problems.push(`the model's name is cut in the header: "${model.textContent?.trim()}"`);
    // The controls used most need room: Training's progress and estimate are never squeezed under 200 px.
    const progress = document.querySelector('[data-testid="progress"]');
    const progressWidth = progress?.getBoundingClientRect().width ?? 0;
    if (progressWidth > 0 && progressWidth < 200) problems.push(`the Training progress is squeezed to ${Math.round(progressWidth)}px`);
    const controls = Array.from(document.querySelectorAll('button, input, select, textarea, a[href], [tabindex="0"], summary'));
    for (const control of controls) {
      const box = control.getBoundingClientRect();
      const style = getComputedStyle(control);
      // Unseen: hidden, not laid out, or the skip link waiting off screen for the keyboard.
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || control.closest('[hidden]') || box.bottom < 0) continue;
      if (box.left < -1 || box.right > window.innerWidth + 1) {
        problems.push(`${name(control)} runs off the window (${Math.round(box.left)}–${Math.round(box.right)} of ${window.innerWidth})`);
        continue;
      }
      for (let box2 = control.parentElement; box2 && box2 !== document.body; box2 = box2.parentElement) {
        const clips = getComputedStyle(box2).overflowX !== 'visible';
        if (!clips && !box2.classList.contains('card')) continue;
        const outer = box2.getBoundingClientRect();
        if (box.left < outer.left - 1 || box.right > outer.right + 1) {
          problems.push(`${name(control)} spills out of ${box2.className || box2.tagName} (${Math.round(box.right)} > ${Math.round(outer.right)})`);
          break;
        }
      }
      // Covered: what is at its centre (where that is in the window) is neither it nor inside it nor its label.
      const x = box.left + box.width / 2;
      const y = box.top + box.height / 2;
      if (y > 0 && y < window.innerHeight && style.opacity !== '0') {
        const top = document.elementFromPoint(x, y);
        if (top && !control.contains(top) && !top.contains(control) && !top.closest('label')?.contains(control))
          problems.push(`${name(control)} is covered by ${name(top)}`);
      }
    }
    return problems;
  });
}

/** The small sizes and the README's large one, for the states that squeezed controls even there. */
const WITH_LARGE = [...SMALL, [1280, 800]] as const;

/** Every place at the small sizes: nothing misfits; and no serious axe finding at the first size. */
async function expectFits(page: Page, state: string, places: readonly Place[] = PLACES, sizes: readonly (readonly [number, number])[] = SMALL) {
  for (const [width, height] of sizes) {
    await page.setViewportSize({ width, height });
    for (const place of places) {
      await go(page, place);
      // Polled until the layout settles: Chart.js resizes its canvas in a ResizeObserver, after the viewport changes.
      await expect.poll(() => misfits(page), { message: `${place} ${state} at ${width}×${height}` }).toEqual([]);
    }
  }
  for (const place of places) {
    await go(page, place);
    expect(await seriousProblems(page), `axe: ${place} ${state}`).toEqual([]);
  }
}

/** Screenshots of each place for the README, at 800×600 and 1280×800. */
async function screens(page: Page, folder: string) {
  // The pictures show the places, not the last run's notice.
  const dismiss = page.getByRole('button', { name: 'Dismiss' });
  if (await dismiss.isVisible()) await dismiss.click();
  for (const [width, height] of [
    [800, 600],
    [1280, 800],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const place of PLACES) {
      await go(page, place);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(folder, `${place.toLowerCase()}-${width}x${height}.png`) });
    }
  }
}

/** A vertical stroke down the middle of the pad: a 1. */
async function drawOne(page: Page) {
  await go(page, 'Draw');
  const box = (await page.getByTestId('drawing-pad').locator('canvas.upper-canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 60);
  await page.mouse.down();
  for (let y = 60; y <= box.height - 60; y += 40) await page.mouse.move(box.x + box.width / 2, box.y + y, { steps: 2 });
  await page.mouse.up();
  await expect(page.getByTestId('predicted-label')).toHaveText('1');
}

test('every place fits 800×600 and 1024×640 in every state, with no serious axe finding; screenshots for the README', async ({ page }) => {
  test.setTimeout(600_000);
  // At first launch, with a sample open and a digit drawn.
  await page.getByRole('button', { name: 'Open the first 3' }).click();
  await expect(page.getByTestId('sample-label')).toHaveText('3');
  await expectFits(page, 'at first launch', ['Dataset', 'Training', 'Model']);
  await page.setViewportSize({ width: 1280, height: 800 });
  await drawOne(page);
  await expectFits(page, 'with a drawing', ['Draw']);
  // Number mode: the wide pad scrolled sideways by its border's 2 px.
  await page.setViewportSize({ width: 1280, height: 800 });
  await go(page, 'Draw');
  await page.getByTestId('mode-number').click();
  await expectFits(page, 'in number mode', ['Draw'], WITH_LARGE);
  await page.getByTestId('mode-digit').click();

  // The Model place after an evaluation, a mistake open; the Dataset grid marking the mistakes, mistakes only.
  await go(page, 'Model');
  await page.getByTestId('model-evaluate').click();
  await page.getByTestId('error-thumb').first().click();
  await expect(page.getByRole('region', { name: 'Model' }).getByTestId('network-view')).not.toHaveAttribute('data-label', '');
  await go(page, 'Dataset');
  await page.getByRole('button', { name: /^Test/ }).click();
  await page.getByTestId('mark-mistakes').click();
  await page.getByTestId('only-mistakes').check();
  await expect(page.getByTestId('mistakes-count')).toBeVisible();
  await expectFits(page, 'after an evaluation', ['Model', 'Dataset']);

  // Training after "Choose what trains": the chooser's list beside Start left the progress 80 px wide.
  await page.setViewportSize({ width: 1280, height: 800 });
  await go(page, 'Training');
  await page.getByTestId('backend-measure').click();
  await expect(page.getByTestId('backend-select')).toBeVisible({ timeout: 120_000 });
  await expectFits(page, 'after "Choose what trains"', ['Training'], WITH_LARGE);
  // At the smallest window, Start's estimate is on the first screen, not below the fold.
  await page.setViewportSize({ width: 800, height: 600 });
  await go(page, 'Training');
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(page.getByTestId('estimate')).toBeInViewport();

  // During a queue: the notebook and its nine variants, ten short runs, checked while they train.
  await page.setViewportSize({ width: 1280, height: 800 });
  await go(page, 'Training');
  await page.getByRole('button', { name: /Compare the notebook's variants/ }).click();
  const form = page.locator('#variants-form');
  await form.getByLabel('Training samples').fill('1000');
  await form.getByLabel('Validation samples').fill('200');
  await form.getByLabel('Epochs').fill('1');
  await form.getByRole('button', { name: 'Train 10 runs' }).click();
  await expect(page.getByTestId('queue-status')).toContainText(/Run [1-9] of 10/, { timeout: 60_000 });
  await expect(page.getByTestId('progress')).toContainText(/batch [1-9]/, { timeout: 60_000 });
  if (SCREENS) await page.screenshot({ path: join(SCREENS, 'training-running-1280x800.png') });
  await expectFits(page, 'during a queue', ['Training'], WITH_LARGE);

  // Ten runs side by side (the queue ticks them in the Model place when it ends).
  await expect(page.getByRole('status').filter({ hasText: "The notebook's variants are done: 10 runs side by side" })).toBeVisible({
    timeout: 300_000,
  });
  await go(page, 'Model');
  await expect(page.getByTestId('compare-table')).toBeVisible();
  await expect(page.getByTestId('compare-legend').locator('li[data-color]')).toHaveCount(10);
  await expectFits(page, 'with 10 runs compared', PLACES, WITH_LARGE);

  // The Name form open on the last run of the list, at the smallest window: Save is in sight when it opens.
  await page.setViewportSize({ width: 800, height: 600 });
  await go(page, 'Training');
  await page
    .getByTestId('runs')
    .getByRole('button', { name: /^Name and notes for run/ })
    .last()
    .click();
  await expect(page.getByTestId('run-notes-form').getByRole('button', { name: 'Save' })).toBeInViewport();
  await expectFits(page, 'with the Name form open', ['Training']);
  await page.getByTestId('run-notes-form').getByRole('button', { name: 'Cancel' }).click();

  if (SCREENS) await screens(page, SCREENS);
});
