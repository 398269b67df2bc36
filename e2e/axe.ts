// axe-core in the page: its serious and critical findings on what is on screen. The page's CSP refuses
// inline scripts; page.evaluate runs outside it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical findings on what is on screen (hidden parts left out). */
export async function seriousProblems(page: Page): Promise<{ id: string; targets: string[] }[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type Axe = { run: (context: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
    const result = await (window as unknown as { axe: Axe }).axe.run({ exclude: [['[hidden]']] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
  });
}

/** Fails with the findings, named after `where`, if axe-core has any serious or critical one. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const serious = await seriousProblems(page);
  expect(serious, `${where}: ${JSON.stringify(serious, null, 1)}`).toEqual([]);
}
