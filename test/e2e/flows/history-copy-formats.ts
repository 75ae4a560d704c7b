import { expect, type Page } from '@playwright/test';
import { chooseSetting, openView } from './ui-helpers.ts';

/** What the page wrote to the system clipboard (the context must grant clipboard-read/write). */
async function clipboardText(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText());
}

async function clearClipboard(page: Page): Promise<void> {
  await page.evaluate(() => navigator.clipboard.writeText(''));
}

/**
 * The copy format changes what lands on the clipboard: "Copy" uses the default (settings.linkFormat),
 * the "Copy as…" menu offers every format that applies to the entry (the Sandbox is Tencent IM, so its
 * message element too, and not Easemob's) and copies the chosen one. Reads the real clipboard.
 */
export async function copyFormatChangesWhatIsCopied(page: Page, imageName: string): Promise<void> {
  await openView(page, 'history');
  await page.getByTestId('history-layout-list').click();
  const entry = page.getByTestId('history-entry').filter({ hasText: imageName });
  await expect(entry).toHaveCount(1, { timeout: 30_000 });
  const href = await entry.getByTestId('history-open').getAttribute('href');
  expect(href).toMatch(/^https?:\/\//);

  await clearClipboard(page);
  await entry.getByTestId('copy-default').click();
  await expect.poll(() => clipboardText(page)).toBe(href);

  const menu = entry.getByRole('menu');
  await entry.getByTestId('copy-menu-button').click();
  await expect(menu).toBeVisible();
  const offered = await menu
    .getByRole('menuitem')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-format')));
  expect(offered).toEqual(['url', 'markdown', 'html', 'tencent-im-message']);

  await menu.locator('[data-format="markdown"]').click();
  await expect(menu).toBeHidden();
  await expect.poll(() => clipboardText(page)).toBe(`![${imageName}](${href})`);

  await entry.getByTestId('copy-menu-button').click();
  await menu.locator('[data-format="html"]').click();
  await expect
    .poll(() => clipboardText(page))
    .toMatch(new RegExp(`^<img src="${escapeRegExp(href!)}" alt="${escapeRegExp(imageName)}"`));

  await entry.getByTestId('copy-menu-button').click();
  await menu.locator('[data-format="tencent-im-message"]').click();
  const element = JSON.parse(await clipboardText(page)) as { MsgType?: string };
  expect(element.MsgType).toBe('TIMImageElem');

  // The default follows the setting: Markdown after choosing it in the settings.
  await chooseSetting(page, 'linkFormat', 'markdown');
  await openView(page, 'history');
  await clearClipboard(page);
  await page.getByTestId('history-entry').filter({ hasText: imageName }).getByTestId('copy-default').click();
  await expect.poll(() => clipboardText(page)).toBe(`![${imageName}](${href})`);
  await chooseSetting(page, 'linkFormat', 'url');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
