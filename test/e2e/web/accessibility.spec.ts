import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { expectNoSeriousViolations } from '../flows/accessibility.ts';
import { dropFiles, openView, queueRow } from '../flows/page-helpers.ts';
import { startThrottledWebShell, type RunningWebShell } from '../web-shell.ts';

let shell: RunningWebShell;

test.beforeAll(async () => {
  // The first upload is refused, so the queue shows a failed row with its message open.
  shell = await startThrottledWebShell({ bytesPerSecond: 0, rejectFirst: 'pic_up: refused for the check' });
});

test.afterAll(async () => {
  await shell?.stop();
});

test.use({ locale: 'en-US', viewport: { width: 1100, height: 800 } });

/**
 * axe (WCAG 2.1 A/AA rules) on every view in the states a user meets: the queue with a batch, a failed
 * row opened and finished rows; the history's grid with a selection, its list, its filters and a copy
 * menu open; the accounts with the form open; the settings. In light and dark, since contrast differs.
 */
test('no serious or critical axe violation on the queue, history, accounts and settings, light and dark', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto(shell.url);
  const png = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#2f6fde' } })
    .png()
    .toBuffer();
  await dropFiles(page, [{ name: 'refused.txt', type: 'text/plain', bytes: randomBytes(300) }]);
  await expect(queueRow(page, 'refused.txt')).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  await dropFiles(page, [
    { name: 'picture.png', type: 'image/png', bytes: png },
    { name: 'notes.txt', type: 'text/plain', bytes: randomBytes(800) },
  ]);
  await expect(queueRow(page, 'notes.txt')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await queueRow(page, 'refused.txt').getByTestId('row-failure-toggle').click();

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await openView(page, 'queue');
    await expectNoSeriousViolations(page, `queue (${scheme})`);

    await openView(page, 'history');
    await page.getByTestId('history-layout-grid').click();
    const entries = page.getByTestId('history-entry');
    await expect(entries).toHaveCount(2);
    await entries.nth(0).locator('.history-name').click();
    await expectNoSeriousViolations(page, `history grid with a selection (${scheme})`);
    await page.getByTestId('history-filters-toggle').click();
    await page.getByTestId('history-layout-list').click();
    await expectNoSeriousViolations(page, `history list with filters (${scheme})`);
    await entries.nth(0).getByTestId('copy-menu-button').click();
    await expect(entries.nth(0).getByRole('menu')).toBeVisible();
    await expectNoSeriousViolations(page, `history copy menu (${scheme})`);
    await page.keyboard.press('Escape');
    await page.getByTestId('history-filters-toggle').click();

    await openView(page, 'accounts');
    await page.getByTestId('account-add').click();
    await expectNoSeriousViolations(page, `accounts with the form open (${scheme})`);
    await page.keyboard.press('Escape');

    await openView(page, 'settings');
    await expectNoSeriousViolations(page, `settings (${scheme})`);
  }
});
