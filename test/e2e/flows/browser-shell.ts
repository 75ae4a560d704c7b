import { randomBytes } from 'node:crypto';
import { expect, type Page } from '@playwright/test';
import { dropFiles, openView, queueRow } from './page-helpers.ts';
import { clearClipboard, clipboardText } from './queue-copy.ts';

/**
 * In a browser the tray and notification settings say they belong to the desktop app (they are kept
 * for it), and a batch that finishes or fails shows a message in the page: a success with "Copy links"
 * that goes away by itself, a failure that stays until dismissed and leads to the queue.
 * The shell must refuse the first upload.
 */
export async function browserShellExplainsAndAnnounces(
  page: Page,
  shot: (name: string) => Promise<unknown> = async () => undefined,
): Promise<void> {
  await openView(page, 'settings');
  const desktop = page.getByTestId('desktop-settings');
  await expect(desktop).toHaveAttribute('data-shell', 'browser');
  await expect(desktop.getByTestId('desktop-only-note')).toContainText('desktop app');
  await shot('settings-desktop-only');

  // The first upload is refused by the provider: a message that stays.
  await openView(page, 'history');
  await dropFiles(page, [{ name: 'refused.txt', type: 'text/plain', bytes: randomBytes(400) }]);
  const toasts = page.getByTestId('batch-toast');
  const failed = toasts.filter({ hasText: 'failed' });
  await expect(failed).toHaveCount(1, { timeout: 30_000 });
  await expect(failed).toContainText('1 of 1 file failed');
  await expect(failed).toHaveAttribute('data-failed', '');
  await page.waitForTimeout(9_000);
  await expect(failed).toHaveCount(1);

  // A batch that works: its message offers the links, in input order, and leaves by itself.
  const names = ['first.txt', 'second.txt'];
  await dropFiles(
    page,
    names.map((name) => ({ name, type: 'text/plain', bytes: randomBytes(400) })),
  );
  const done = toasts.filter({ hasText: '2 files uploaded' });
  await expect(done).toHaveCount(1, { timeout: 30_000 });
  await shot('batch-messages');
  await clearClipboard(page);
  await done.getByTestId('toast-copy-default').click();
  const links = (await clipboardText(page)).split('\n');
  expect(links).toHaveLength(2);
  for (const link of links) expect(link).toMatch(/^https?:\/\//);
  await expect(done).toHaveCount(0, { timeout: 15_000 });

  await failed.getByRole('button', { name: 'Show in queue' }).click();
  await expect(page.locator('.app-nav [data-view="queue"]')).toHaveAttribute('aria-current', 'page');
  await expect(toasts).toHaveCount(0);
  await expect(queueRow(page, 'refused.txt')).toHaveAttribute('data-state', 'failed');
}
