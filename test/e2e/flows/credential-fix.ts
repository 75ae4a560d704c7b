import { randomBytes } from 'node:crypto';
import { expect, type Page } from '@playwright/test';
import type { RunningSandbox } from '../sandbox-process.ts';
import { downloadLinkOf, dropFiles, openView, queueRow, sha256 } from './page-helpers.ts';

export interface S3Endpoint {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The sandbox's S3 emulator, as the account form asks for it. */
export function s3EndpointOf(sandbox: RunningSandbox): S3Endpoint {
  const s3 = sandbox.endpoints['s3']!;
  return {
    endpoint: s3['endpoint']!,
    region: s3['region']!,
    bucket: s3['bucket']!,
    accessKeyId: s3['accessKeyId']!,
    secretAccessKey: s3['secretAccessKey']!,
  };
}

/**
 * The account form by keyboard: Enter on "Add account" moves the focus into the form (its first
 * field), Escape closes it and gives the focus back to the button.
 */
export async function accountFormKeyboard(page: Page): Promise<void> {
  await openView(page, 'accounts');
  const add = page.getByTestId('account-add');
  await add.focus();
  await page.keyboard.press('Enter');
  const form = page.locator('form.account-form');
  await expect(form).toBeVisible();
  await expect(form.getByTestId('account-provider')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(form.getByTestId('account-name')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(form).toHaveCount(0);
  await expect(add).toBeFocused();
}

/** Fills the account form for an S3 account of the sandbox's emulator and saves it. */
async function fillS3Account(page: Page, s3: S3Endpoint, name: string, secret: string): Promise<void> {
  await openView(page, 'accounts');
  await page.getByTestId('account-add').click();
  const form = page.locator('form.account-form');
  await form.getByTestId('account-provider').selectOption('s3');
  await form.getByTestId('account-name').fill(name);
  await form.locator('[data-field="endpoint"] input').fill(s3.endpoint);
  await form.locator('[data-field="region"] input').fill(s3.region);
  await form.locator('[data-field="bucket"] input').fill(s3.bucket);
  await form.locator('[data-field="pathStyle"] input').check();
  await form.locator('[data-field="accessKeyId"] input').fill(s3.accessKeyId);
  await form.locator('[data-secret-input="secretAccessKey"]').fill(secret);
  await form.getByTestId('account-save').click();
}

/** Adds a working S3 account: saved, its connection test passes, the form closes. */
export async function addS3Account(page: Page, s3: S3Endpoint, name: string): Promise<void> {
  await fillS3Account(page, s3, name, s3.secretAccessKey);
  await expect(page.getByTestId('account-saved')).toContainText('Connection works.', { timeout: 20_000 });
  await expect(page.locator('form.account-form')).toHaveCount(0);
}

/**
 * An S3 account with a wrong secret, from saving it to a working upload: the save tests the connection
 * and shows the server's own code and message (not an empty one); "Keep as saved" keeps it; an upload
 * to it fails with the whole message (behind "More"), names the account and offers "Edit account"
 * next to Retry; the form it opens takes the right secret, the test passes, and "Retry" from there
 * uploads the file, byte for byte.
 */
export async function credentialFixPath(
  page: Page,
  s3: S3Endpoint,
  /** Called at the moments worth a look (the failed test, the failed row opened). */
  shot: (name: string) => Promise<unknown> = async () => undefined,
): Promise<void> {
  const name = `Bucket ${randomBytes(2).toString('hex')}`;
  await fillS3Account(page, s3, name, 'not-the-secret');

  // Saved, tested, and the form stays open on what the server said.
  const failed = page.getByTestId('account-save-test-failed');
  await expect(failed).toBeVisible({ timeout: 20_000 });
  await expect(failed).toBeFocused();
  await expect(failed.locator('[data-error-code]')).toHaveAttribute(
    'data-error-code',
    'credentials-rejected',
  );
  await expect(failed).toContainText('SignatureDoesNotMatch');
  await expect(failed.locator('[data-untranslated]')).toHaveText(/signature/i);
  await shot('account-test-failed-on-save');
  await page.getByTestId('account-keep').click();
  const card = page.getByTestId('account-card').filter({ hasText: name });
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId('account-test-result')).toContainText('SignatureDoesNotMatch');

  // The upload fails where the user is looking, and says to which account.
  await openView(page, 'queue');
  await page.getByLabel('Upload to').selectOption({ label: name });
  const bytes = randomBytes(30_000);
  await dropFiles(page, [{ name: 'to-fix.bin', type: 'application/octet-stream', bytes }]);
  const row = queueRow(page, 'to-fix.bin');
  await expect(row).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  await expect(row.getByTestId('row-account')).toContainText(name);
  const toggle = row.getByTestId('row-failure-toggle');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const message = row.locator('.row-failure [data-untranslated]');
  await expect(message).toHaveText(/signature/i);
  // Open, the message is shown whole: no line of it clipped.
  expect(
    await message.evaluate((element) => element.closest('.row-error')!.scrollHeight),
  ).toBeLessThanOrEqual(await message.evaluate((element) => element.closest('.row-error')!.clientHeight + 1));
  await expect(row.locator('[data-action="retry"]')).toBeVisible();
  await shot('queue-row-failed-open');
  await row.locator('[data-action="edit-account"]').click();

  // The account's form, focus in it; the right secret; the test passes; Retry from there.
  await expect(page.locator('.app-nav [data-view="accounts"]')).toHaveAttribute('aria-current', 'page');
  const edit = page.locator('form.account-form');
  await expect(edit).toContainText(name);
  await expect(edit.getByTestId('account-name')).toBeFocused();
  await edit.getByRole('button', { name: 'Replace' }).click();
  await edit.locator('[data-secret-input="secretAccessKey"]').fill(s3.secretAccessKey);
  await edit.getByTestId('account-save').click();
  const saved = page.getByTestId('account-saved');
  await expect(saved).toContainText('Connection works.', { timeout: 20_000 });
  await expect(page.locator('form.account-form')).toHaveCount(0);
  await expect(card.getByTestId('account-edit')).toBeFocused();
  await saved.getByTestId('account-retry-failed').click();
  await expect(page.locator('.app-nav [data-view="queue"]')).toHaveAttribute('aria-current', 'page');
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  expect(sha256(await downloadLinkOf(row))).toBe(sha256(bytes));
}
