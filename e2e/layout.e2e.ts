// Every place in every state that has content fits the small windows the README promises (800×600 and
// 1024×640): no sideways scroll, no control cut off, spilling out of its card or covered; axe-core finds no
// serious problem in any of them; and the README's screenshots of each place come from this run when
// DIGIT_STUDIO_SCREENSHOTS=1 asks (issue 18, item 3 and its bars; never on an ordinary test run, which would
// rewrite tracked files).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { seriousProblems } from './axe';
import { chooseTanhVariants } from './variants-form';
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

/** Every place at the small sizes: nothing misfits; and no serious axe finding at the first size. */
async function expectFits(page: Page, state: string, places: readonly Place[] = PLACES) {
  for (const [width, height] of SMALL) {
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
  test.setTimeout(300_000);
  // At first launch, with a sample open and a digit drawn.
  await page.getByRole('button', { name: 'Open the first 3' }).click();
  await expect(page.getByTestId('sample-label')).toHaveText('3');
  await expectFits(page, 'at first launch', ['Dataset', 'Training', 'Model']);
  await page.setViewportSize({ width: 1280, height: 800 });
  await drawOne(page);
  await expectFits(page, 'with a drawing', ['Draw']);

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

  // During training: two variants queued, checked while the first trains.
  await page.setViewportSize({ width: 1280, height: 800 });
  await go(page, 'Training');
  const form = await chooseTanhVariants(page, { train: '20000', test: '500' });
  await form.getByRole('button', { name: 'Train 2 runs' }).click();
  await expect(page.getByTestId('progress')).toContainText(/batch [1-9]/, { timeout: 60_000 });
  await expectFits(page, 'during training', ['Training']);
  await page.setViewportSize({ width: 1280, height: 800 });
  await go(page, 'Training');
  if (SCREENS) await page.screenshot({ path: join(SCREENS, 'training-running-1280x800.png') });

  // Two runs side by side (the queue ticks them in the Model place when it ends).
  await expect(page.getByRole('status').filter({ hasText: "The notebook's variants are done: 2 runs side by side" })).toBeVisible({
    timeout: 180_000,
  });
  await go(page, 'Model');
  await expect(page.getByTestId('compare-table')).toBeVisible();
  await expectFits(page, 'with two runs compared');

  if (SCREENS) await screens(page, SCREENS);
});
