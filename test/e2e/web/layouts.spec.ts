import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { screenshotViews, smallWindowHistory, wideWindowLayouts } from '../flows/layouts.ts';
import { dropFiles, openView } from '../flows/page-helpers.ts';
import { webShellForThisFile } from '../web-shell.ts';

const shell = webShellForThisFile();

test.describe.configure({ mode: 'serial' });

test.use({ locale: 'en-US' });

test('800×600: one toolbar row, one row of filters, one page scroll', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 800, height: 600 });
  await page.goto(shell.url);
  const colours = ['#2f6fde', '#1f8a4c', '#c2620c', '#8a4fd6'];
  const files = await Promise.all(
    Array.from({ length: 16 }, async (_, index) => ({
      name: `layout-${String(index).padStart(2, '0')}.png`,
      type: 'image/png',
      bytes: await sharp({
        create: { width: 160, height: 120, channels: 3, background: colours[index % colours.length]! },
      })
        .png()
        .toBuffer(),
    })),
  );
  await openView(page, 'queue');
  await dropFiles(page, files);
  await expect(page.getByTestId('queue-totals')).toHaveAttribute('data-done', '16', { timeout: 60_000 });
  await smallWindowHistory(page);
  await screenshotViews(page, testInfo, '800x600');
});

test('1920×1080: tiles across the window, the queue beside its side column, settings in two columns', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(shell.url);
  await wideWindowLayouts(page);
  await screenshotViews(page, testInfo, '1920x1080');
});
