import { expect, type Page, type TestInfo } from '@playwright/test';
import { openView, type ViewId } from './page-helpers.ts';
import { chooseSetting } from './ui-helpers.ts';

const box = async (page: Page, selector: string) => (await page.locator(selector).first().boundingBox())!;

/**
 * 800×600: the history's toolbar takes one row (filters folded behind a button, then one row of them),
 * the entries start right below it, and the page scrolls as one, the toolbar staying at the top; no
 * box of its own scrolls inside the page.
 */
export async function smallWindowHistory(page: Page): Promise<void> {
  await openView(page, 'history');
  await page.getByTestId('history-layout-grid').click();
  await expect(page.getByTestId('history-entry').first()).toBeVisible({ timeout: 30_000 });
  const head = await box(page, '.history-head');
  expect(head.height).toBeLessThanOrEqual(120);
  const firstTile = await box(page, '[data-testid="history-entry"]');
  expect(firstTile.y).toBeLessThan(230);

  await page.getByTestId('history-filters-toggle').click();
  const fields = page.locator('.history-filters .history-field');
  await expect(fields).toHaveCount(5);
  const tops = await fields.evaluateAll((elements) =>
    elements.map((element) => Math.round(element.getBoundingClientRect().top)),
  );
  expect(new Set(tops).size).toBe(1);
  expect((await box(page, '.history-head')).height).toBeLessThanOrEqual(200);

  const grid = page.locator('[role="grid"]');
  expect(await grid.evaluate((element) => element.scrollHeight - element.clientHeight)).toBeLessThanOrEqual(
    1,
  );
  expect(await grid.evaluate((element) => getComputedStyle(element).overflowY)).toBe('visible');
  const main = page.locator('.app-main');
  expect(await main.evaluate((element) => element.scrollHeight > element.clientHeight)).toBe(true);
  await main.evaluate((element) => element.scrollTo({ top: 400 }));
  await expect.poll(() => main.evaluate((element) => element.scrollTop)).toBeGreaterThan(300);
  // The toolbar stays at the top of the page while the entries scroll under it.
  const mainTop = (await box(page, '.app-main')).y;
  expect(Math.abs((await box(page, '.history-toolbar')).y - mainTop)).toBeLessThanOrEqual(24);
  await main.evaluate((element) => element.scrollTo({ top: 0 }));
  await page.getByTestId('history-filters-toggle').click();
}

/** 1920×1080: every view uses the width: tiles across, the queue's side column, settings in two columns. */
export async function wideWindowLayouts(page: Page): Promise<void> {
  await openView(page, 'history');
  await page.getByTestId('history-layout-grid').click();
  await expect(page.getByTestId('history-entry').first()).toBeVisible({ timeout: 30_000 });
  expect((await box(page, '.history-view')).width).toBeGreaterThan(1600);
  expect(Number(await page.locator('[role="grid"]').getAttribute('data-cols'))).toBeGreaterThanOrEqual(7);

  await openView(page, 'queue');
  const side = await box(page, '.queue-side');
  const list = await box(page, '.queue-main');
  expect(side.x + side.width).toBeLessThanOrEqual(list.x);
  expect(list.width).toBeGreaterThan(800);

  await openView(page, 'settings');
  const groups = page.locator('.settings-group');
  const [first, second] = [(await groups.nth(0).boundingBox())!, (await groups.nth(1).boundingBox())!];
  expect(second.y).toBe(first.y);
  expect(second.x).toBeGreaterThan(first.x + first.width - 1);

  await openView(page, 'accounts');
  expect((await box(page, '.accounts-view')).width).toBeGreaterThan(1200);
}

/** Every view at the page's size, in English and Chinese, for a person to look at. */
export async function screenshotViews(page: Page, testInfo: TestInfo, size: string): Promise<void> {
  const views: ViewId[] = ['queue', 'history', 'accounts', 'settings'];
  for (const language of ['en', 'zh-CN']) {
    await chooseSetting(page, 'language', language);
    await expect(page.locator('html')).toHaveAttribute('lang', language);
    for (const view of views) {
      await openView(page, view);
      await page.waitForTimeout(300);
      await page.screenshot({ path: testInfo.outputPath(`${view}-${size}-${language}.png`) });
    }
  }
  await chooseSetting(page, 'language', 'en');
}
