import { randomBytes } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { dropFiles, openView, queueRow, type ViewId } from '../flows/page-helpers.ts';
import { startThrottledWebShell, type RunningWebShell } from '../web-shell.ts';

let shell: RunningWebShell;

test.beforeAll(async () => {
  shell = await startThrottledWebShell({
    bytesPerSecond: 200_000,
  });
});

test.afterAll(async () => {
  await shell?.stop();
});

test.use({ locale: 'en-US', viewport: { width: 1100, height: 1000 } });

async function chooseSetting(page: Page, optionValue: string, value: string): Promise<void> {
  await openView(page, 'settings');
  await page.locator(`.settings-view select:has(option[value="${optionValue}"])`).selectOption(value);
}

/**
 * Every view in light and dark, English and Chinese, with queue rows in several states, for a person
 * to look at. It also holds the page to the CSP: the virtualized list positions rows through the
 * CSSOM, which the policy allows, and nothing may trip a violation report.
 */
test('every view in both themes and both languages, with no CSP violation', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await page.addInitScript(() => {
    const reports: string[] = [];
    (window as unknown as { cspReports: string[] }).cspReports = reports;
    document.addEventListener('securitypolicyviolation', (event) =>
      reports.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  await page.goto(shell.url);
  await expect(page.getByLabel('Upload to')).toHaveValue('sandbox');
  const png = await sharp({ create: { width: 320, height: 200, channels: 3, background: '#3a7bd5' } })
    .png()
    .toBuffer();
  await dropFiles(page, [
    { name: 'diagram.png', type: 'image/png', bytes: png },
    { name: 'meeting-notes.txt', type: 'text/plain', bytes: randomBytes(1_500) },
    { name: 'screen-recording.mov', type: 'video/quicktime', bytes: randomBytes(6_000_000) },
    { name: 'backup.tar', type: 'application/x-tar', bytes: randomBytes(5_000_000) },
  ]);
  await expect(page.getByTestId('queue-thumbnail')).toHaveCount(1, { timeout: 30_000 });
  await expect(queueRow(page, 'screen-recording.mov')).toHaveAttribute('data-state', 'uploading');
  await queueRow(page, 'screen-recording.mov').locator('[data-action="pause"]').click();
  await expect(queueRow(page, 'screen-recording.mov')).toHaveAttribute('data-state', 'paused');

  const views: ViewId[] = ['queue', 'history', 'accounts', 'settings'];
  for (const language of ['en', 'zh-CN']) {
    await chooseSetting(page, 'zh-CN', language);
    for (const theme of ['light', 'dark']) {
      await chooseSetting(page, 'dark', theme);
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      for (const view of views) {
        await openView(page, view);
        await page.screenshot({
          path: testInfo.outputPath(`${view}-${theme}-${language}.png`),
          fullPage: true,
        });
      }
    }
  }
  await chooseSetting(page, 'zh-CN', 'en');
  await chooseSetting(page, 'dark', 'system');
  await openView(page, 'queue');
  await queueRow(page, 'screen-recording.mov').locator('[data-action="cancel"]').click();
  await queueRow(page, 'backup.tar').locator('[data-action="cancel"]').click();
  expect(await page.evaluate(() => (window as unknown as { cspReports: string[] }).cspReports)).toEqual([]);
});
