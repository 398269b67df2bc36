// The Training place's variants form, opened with only the two tanh variants chosen and the limits filled in.
import type { Locator, Page } from '@playwright/test';

export async function chooseTanhVariants(page: Page, limits: { train: string; test: string }): Promise<Locator> {
  await page.getByRole('button', { name: /Compare the notebook's variants/ }).click();
  const form = page.locator('#variants-form');
  for (const box of await form.getByRole('checkbox', { disabled: false }).all()) {
    if (!(await box.getAttribute('value'))?.startsWith('tanh')) await box.uncheck();
  }
  await form.getByLabel('Training samples').fill(limits.train);
  await form.getByLabel('Validation samples').fill(limits.test);
  await form.getByLabel('Epochs').fill('1');
  return form;
}
