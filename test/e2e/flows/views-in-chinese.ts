import { expect, type Locator, type Page } from '@playwright/test';
import { chooseSetting, openView } from './ui-helpers.ts';

/**
 * Latin words that stay as they are in Chinese: product and protocol names, field names the providers'
 * own consoles use, units, key caps. Anything else in Latin letters is an untranslated string.
 */
const allowedLatin = new Set(
  (
    'Ferry Markdown HTML URL ID IDs MIME SHA UUID ETag JPEG PNG KB MB GB TB API REST IM OPPO S3 tus CDN MinIO ' +
    'SDKAppID UserSig Identifier AppKey Master Secret Access Key Client Org App app_id to_id user_id group_id ' +
    'TIMImageElem TIMFileElem content md5 Content MD5 amz checksum x http https POST big small both yyyy mm ' +
    // Key caps, as the keyboard prints them.
    'Shift Ctrl Cmd Enter Esc Delete Tab'
  )
    .split(' ')
    .map((word) => word.toLowerCase()),
);

/**
 * The visible strings of a view the app itself wrote: text nodes outside what is user or provider data
 * (file and account names, links, codes, the main side's own notes marked data-untranslated), plus
 * placeholders of its own inputs.
 */
async function appStrings(root: Locator): Promise<string[]> {
  return root.evaluate((element) => {
    const skip =
      '[data-untranslated], code, .history-name, .history-meta, .account-name, .link, [translate="no"], .provider-message, .error-details';
    const strings: string[] = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const parent = node.parentElement;
      const text = node.textContent?.trim() ?? '';
      if (text === '' || parent === null || parent.closest(skip) !== null) continue;
      if (parent.closest('select') !== null) continue;
      if (!parent.checkVisibility() && !parent.closest('.visually-hidden')) continue;
      strings.push(text);
    }
    for (const select of element.querySelectorAll('select')) {
      if (select.checkVisibility()) strings.push(select.selectedOptions[0]?.textContent ?? '');
    }
    for (const input of element.querySelectorAll<HTMLInputElement>('.history-view input[placeholder]')) {
      strings.push(input.placeholder);
    }
    return strings;
  });
}

function untranslated(strings: readonly string[]): string[] {
  return strings.filter((text) =>
    // Template tokens such as {name} are syntax the user types, not prose.
    (text.replace(/\{[a-z]+\}/g, '').match(/[A-Za-z][A-Za-z_]{2,}/g) ?? []).some(
      (word) => !allowedLatin.has(word.toLowerCase()),
    ),
  );
}

async function expectTranslated(root: Locator, what: string): Promise<void> {
  const strings = await appStrings(root);
  expect(strings.length, `${what}: no strings found`).toBeGreaterThan(5);
  expect(untranslated(strings), `${what}: English left in Chinese`).toEqual([]);
  expect(
    strings.some((text) => /[\u4e00-\u9fff]/.test(text)),
    `${what}: no Chinese at all`,
  ).toBe(true);
}

/**
 * Switching the language setting to Chinese translates every string the history and accounts views
 * show: filters, buttons, menus, dialogs, the account form of every provider, the vault warning.
 * Needs at least one history entry with a link. Switches back to English at the end.
 */
export async function historyAndAccountsInChinese(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await chooseSetting(page, 'language', 'zh-CN');
  await openView(page, 'history');
  const history = page.locator('.history-view');
  await expect(history.locator('.history-title')).toHaveText('历史记录');
  await expect(page.getByTestId('history-entry').first()).toBeVisible({ timeout: 30_000 });
  // The filter row is folded away until asked for; its labels are checked too.
  await page.getByTestId('history-filters-toggle').click();

  for (const layout of ['grid', 'list'] as const) {
    await page.getByTestId(`history-layout-${layout}`).click();
    await expectTranslated(history, `history ${layout}`);
  }
  const entry = page.getByTestId('history-entry').first();
  await entry.getByTestId('copy-menu-button').click();
  await expectTranslated(entry.getByRole('menu'), 'copy menu');
  await page.keyboard.press('Escape');
  await entry.getByTestId('history-details').click();
  await expectTranslated(page.locator('dialog[open]'), 'details dialog');
  await page.keyboard.press('Escape');
  await entry.getByTestId('history-delete').click();
  await expectTranslated(page.locator('dialog[open]'), 'delete dialog');
  await page.keyboard.press('Escape');
  await expect(page.locator('dialog[open]')).toHaveCount(0);

  await openView(page, 'accounts');
  const accounts = page.locator('.accounts-view');
  await expect(accounts.locator('.accounts-title')).toHaveText('账号');
  await expect(page.getByTestId('vault-status')).toBeVisible();
  await expectTranslated(accounts, 'accounts list');
  await page.getByTestId('account-add').click();
  const providers = await page
    .getByTestId('account-provider')
    .locator('option')
    .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
  for (const provider of providers) {
    await page.getByTestId('account-provider').selectOption(provider);
    await expectTranslated(page.locator('form.account-form'), `account form (${provider})`);
  }
  // The problems the form reports are translated too.
  await page.getByTestId('account-save').click();
  await expect(page.locator('.account-field-problem').first()).toBeVisible();
  await expectTranslated(page.locator('form.account-form'), 'account form problems');

  await chooseSetting(page, 'language', 'en');
  await openView(page, 'history');
  await expect(page.locator('.history-title')).toHaveText('History');
}
