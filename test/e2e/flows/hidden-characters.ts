import { expect, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { dropFiles, openView } from './ui-helpers.ts';

/**
 * A file named `photo…\u202Egnp.exe` (a right-to-left override that would draw it as "photo…exe.png")
 * shows the override as the escape `\u202E`, styled apart, in the queue row, the history entry (its
 * tooltip too) and both dialogs; the page's text holds no override at all.
 */
export async function hiddenCharactersShowEscaped(page: Page): Promise<void> {
  const tag = randomBytes(3).toString('hex');
  const name = `photo-${tag}\u202Egnp.exe`;
  const shown = `photo-${tag}\\u202Egnp.exe`;
  await dropFiles(page, [{ name, type: 'application/octet-stream', bytes: randomBytes(2000) }]);

  const row = page.getByTestId('queue-row').filter({ hasText: shown });
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(row.locator('.file-name .hidden-char')).toHaveText('\\u202E');

  await openView(page, 'history');
  const entry = page.getByTestId('history-entry').filter({ hasText: shown });
  await expect(entry).toHaveCount(1, { timeout: 30_000 });
  await expect(entry.locator('.history-name')).toHaveAttribute('title', shown);
  await expect(entry.locator('.history-name .hidden-char')).toHaveText('\\u202E');

  await entry.getByTestId('history-details').click();
  await expect(page.locator('dialog[open] .history-dialog-title')).toHaveText(shown);
  await page.keyboard.press('Escape');
  await entry.getByTestId('history-delete').click();
  await expect(page.locator('dialog[open] .hidden-char')).toHaveText('\\u202E');
  await page.locator('dialog[open]').getByRole('button', { name: 'Cancel' }).click();

  expect(await page.evaluate(() => /[\u202A-\u202E\u2066-\u2069]/.test(document.body.innerText))).toBe(false);
}
