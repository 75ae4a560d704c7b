import { expect, type Page } from '@playwright/test';
import { openView } from './ui-helpers.ts';

/**
 * Deleting an entry asks first (Cancel keeps it), then removes it; a second window showing the history
 * drops the row too, from the history.removed event alone.
 */
export async function deleteEntryAsksFirst(page: Page, other: Page, name: string): Promise<void> {
  for (const view of [page, other]) {
    await openView(view, 'history');
    await expect(view.getByTestId('history-entry').filter({ hasText: name })).toHaveCount(1, {
      timeout: 30_000,
    });
  }
  const entry = page.getByTestId('history-entry').filter({ hasText: name });
  await entry.getByTestId('history-delete').click();
  const dialog = page.locator('dialog[open]');
  await expect(dialog).toContainText(name);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(entry).toHaveCount(1);

  await entry.getByTestId('history-delete').click();
  await page.getByTestId('history-delete-confirm').click();
  await expect(page.getByTestId('history-entry').filter({ hasText: name })).toHaveCount(0);
  await expect(other.getByTestId('history-entry').filter({ hasText: name })).toHaveCount(0);
}

/** The details of an entry show its remote id and links, and say why there is no local file to show. */
export async function entryDetailsShowRemoteId(page: Page, name: string): Promise<void> {
  await openView(page, 'history');
  const entry = page.getByTestId('history-entry').filter({ hasText: name });
  await entry.getByTestId('history-details').click();
  const panel = page.getByTestId('history-details-panel');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('history-remote-id')).not.toHaveText('—');
  await expect(page.locator('dialog[open] .history-links a').first()).toHaveAttribute('href', /^https?:\/\//);
  // A file dropped into a browser reaches Ferry as a copy, deleted after its upload: no local file to
  // show, and in a browser no button that would only say so after a click.
  const localFile = page.getByTestId('history-local-file');
  await expect(localFile.getByRole('button')).toHaveCount(0);
  await expect(localFile).toContainText('desktop app');
  await page.keyboard.press('Escape');
  await expect(page.locator('dialog[open]')).toHaveCount(0);
}
