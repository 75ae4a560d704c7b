import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { accountSecretStaysWriteOnly } from '../flows/account-secret.ts';
import { historyShowsThumbnailsAndSearchFinds } from '../flows/history-thumbnails-search.ts';
import { chooseSetting, openView } from '../flows/ui-helpers.ts';
import { webShellForThisFile } from '../web-shell.ts';

const shell = webShellForThisFile();

/**
 * Screenshots of the history (grid, list) and accounts views in both themes and languages, an account
 * form with a secret set, and the insecure-storage warning (the web shell's key file), for review.
 */
test('screenshots of the history and accounts views', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1100, height: 820 });
  await historyShowsThumbnailsAndSearchFinds(page, shell.url);
  await historyShowsThumbnailsAndSearchFinds(page, shell.url);
  // An account with a secret set, to show as a card and in its edit form.
  await accountSecretStaysWriteOnly(page, shell.url, null);
  await openView(page, 'accounts');
  const card = page.getByTestId('account-card').filter({ hasText: 'Uploads' }).first();
  await card.getByTestId('account-edit').click();
  // The flow ended by clearing the secret: set one again.
  await page.locator('[data-secret-input="authHeaderValue"]').fill('Bearer screenshot-secret');
  await page.locator('form.account-form').getByTestId('account-save').click();
  // Its tus server does not answer: the save's connection test fails, and the account is kept as saved.
  await page.getByTestId('account-keep').click();

  // test-results/ is emptied by every Playwright run (other specs run concurrently here), so a folder can be named.
  const dir = process.env.FERRY_SCREENSHOT_DIR;
  const shot = (name: string) =>
    page.screenshot({
      path: dir ? join(dir, `${name}.png`) : testInfo.outputPath(`${name}.png`),
      fullPage: true,
    });
  for (const language of ['en', 'zh-CN'] as const) {
    await chooseSetting(page, 'language', language);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await openView(page, 'history');
      for (const layout of ['grid', 'list'] as const) {
        await page.getByTestId(`history-layout-${layout}`).click();
        await expect(page.getByTestId('history-thumbnail').first()).toBeVisible();
        await page.waitForTimeout(200);
        await shot(`history-${layout}-${scheme}-${language}`);
      }
      const entry = page.getByTestId('history-entry').first();
      await entry.getByTestId('copy-menu-button').click();
      await shot(`history-copy-menu-${scheme}-${language}`);
      await page.keyboard.press('Escape');
      await entry.getByTestId('history-details').click();
      await shot(`history-details-${scheme}-${language}`);
      await page.keyboard.press('Escape');

      await openView(page, 'accounts');
      await expect(page.getByTestId('vault-status')).toHaveAttribute('data-secure', 'false');
      await shot(`accounts-${scheme}-${language}`);
      await page
        .getByTestId('account-card')
        .filter({ hasText: 'Uploads' })
        .first()
        .getByTestId('account-edit')
        .click();
      await shot(`account-form-secret-set-${scheme}-${language}`);
      await page
        .locator('form.account-form')
        .getByRole('button')
        .filter({ hasText: /Cancel|取消/ })
        .click();
    }
  }
  await chooseSetting(page, 'language', 'en');
});
