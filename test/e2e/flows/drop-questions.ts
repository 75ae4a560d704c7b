import { randomBytes } from 'node:crypto';
import { expect, type Page } from '@playwright/test';
import enSettings from '../../../renderer/i18n/locales/en/settings.ts';
import { downloadLinkOf, dropFiles, openView, queueRow, sha256 } from './page-helpers.ts';

const emptyFile = (name: string) => ({ name, type: 'text/plain', bytes: new Uint8Array(0) });

/**
 * Empty files: a drop with some asks once (naming them) before anything of it is uploaded, the
 * keyboard on its first button; "Skip them" uploads the others only; "Upload them too" with "always"
 * uploads them and saves the setting, after which a drop is not asked.
 */
export async function emptyFilesAskOncePerDrop(
  page: Page,
  shot: (name: string) => Promise<unknown> = async () => undefined,
): Promise<void> {
  await openView(page, 'queue');
  const full = { name: 'has-bytes.txt', type: 'text/plain', bytes: randomBytes(700) };
  await dropFiles(page, [full, emptyFile('empty-a.txt'), emptyFile('empty-b.txt')]);
  const question = page.getByTestId('empty-question');
  await expect(question).toHaveCount(1);
  await expect(question).toContainText('2 files are empty (0 bytes)');
  await expect(question).toContainText('empty-a.txt, empty-b.txt');
  await expect(question.getByTestId('empty-question-upload')).toBeFocused();
  await shot('empty-files-question');
  // Nothing of the drop goes before the answer.
  await expect(page.locator('[data-testid="queue-row"]')).toHaveCount(0);
  await question.getByTestId('empty-question-skip').click();
  await expect(question).toHaveCount(0);
  await expect(queueRow(page, full.name)).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(queueRow(page, 'empty-a.txt')).toHaveCount(0);

  await dropFiles(page, [emptyFile('empty-c.txt')]);
  await expect(question).toContainText('1 file is empty');
  await question.getByRole('checkbox').check();
  await question.getByTestId('empty-question-upload').click();
  await expect(queueRow(page, 'empty-c.txt')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  expect((await downloadLinkOf(queueRow(page, 'empty-c.txt'))).byteLength).toBe(0);

  await dropFiles(page, [emptyFile('empty-d.txt')]);
  await expect(queueRow(page, 'empty-d.txt')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(question).toHaveCount(0);
  await openView(page, 'settings');
  await expect(page.getByLabel(enSettings.uploads.uploadEmptyFiles)).toBeChecked();
  await page.getByLabel(enSettings.uploads.uploadEmptyFiles).uncheck();
}

/**
 * "Default account: Ask each time" with two accounts: the picker says so, a drop asks which account
 * before uploading (Escape: nothing is uploaded), the answer is used, and "use this account from now
 * on" makes it the default, after which a drop goes there without asking.
 */
export async function askEachTimeAsks(
  page: Page,
  otherAccount: string,
  shot: (name: string) => Promise<unknown> = async () => undefined,
): Promise<void> {
  await openView(page, 'settings');
  await expect(page.getByLabel(enSettings.uploads.defaultAccount, { exact: true })).toHaveValue('');
  await openView(page, 'queue');
  const picker = page.getByLabel('Upload to');
  await expect(picker.locator('option:checked')).toHaveText('Ask each time');

  const question = page.getByTestId('account-question');
  await dropFiles(page, [{ name: 'not-sent.txt', type: 'text/plain', bytes: randomBytes(300) }]);
  await expect(question).toContainText('Upload 1 file to which account?');
  await expect(question.getByRole('combobox')).toBeFocused();
  await shot('account-question');
  await page.keyboard.press('Escape');
  await expect(question).toHaveCount(0);
  await expect(queueRow(page, 'not-sent.txt')).toHaveCount(0);

  const bytes = randomBytes(5_000);
  await dropFiles(page, [{ name: 'asked.bin', type: 'application/octet-stream', bytes }]);
  await question.getByRole('combobox').selectOption({ label: otherAccount });
  await question.getByRole('checkbox').check();
  await page.keyboard.press('Enter');
  await expect(question).toHaveCount(0);
  const row = queueRow(page, 'asked.bin');
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  expect(sha256(await downloadLinkOf(row))).toBe(sha256(bytes));
  // The S3 link names its bucket and object: the file went to the account chosen, not the Sandbox.
  expect(await row.getByTestId('queue-link').getAttribute('href')).toMatch(/ferry-sandbox\/.*asked\.bin/);

  await expect(picker.locator('option:checked')).toHaveText(otherAccount);
  await dropFiles(page, [{ name: 'remembered.txt', type: 'text/plain', bytes: randomBytes(300) }]);
  await expect(queueRow(page, 'remembered.txt')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(question).toHaveCount(0);
  await openView(page, 'settings');
  await expect(
    page.getByLabel(enSettings.uploads.defaultAccount, { exact: true }).locator('option:checked'),
  ).toHaveText(otherAccount);
}
