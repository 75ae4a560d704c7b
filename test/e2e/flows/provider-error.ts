import { expect, type Page } from '@playwright/test';
import { downloadLinkOf, dropFiles, openView, queueRow, sha256, type FileSpec } from './page-helpers.ts';

/**
 * The provider refuses an upload: the row says so with Ferry's translated summary for the error code
 * and the provider's own message and code, untranslated. Retry then uploads it.
 */
export async function providerErrorAndRetryFlow(
  page: Page,
  options: {
    file: FileSpec;
    summary: string;
    providerMessage: string;
    providerCode: string;
    /** Called while the failed row is on screen (a screenshot, say). */
    whileFailed?: () => Promise<void>;
  },
): Promise<void> {
  await openView(page, 'queue');
  await dropFiles(page, [options.file]);
  const row = queueRow(page, options.file.name);
  await expect(row).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  const error = row.locator('.row-error');
  await expect(error).toHaveAttribute('data-error-code', 'provider-rejected');
  await expect(error.locator('.error-message')).toHaveText(options.summary);
  await expect(error.locator('[data-untranslated]')).toHaveText(options.providerMessage);
  await expect(error).toContainText(options.providerCode);
  await expect(page.getByTestId('queue-totals')).toHaveAttribute('data-failed', '1');
  await options.whileFailed?.();

  await row.locator('[data-action="retry"]').click();
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  expect(sha256(await downloadLinkOf(row))).toBe(sha256(options.file.bytes));
}
