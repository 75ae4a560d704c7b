import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { tileIconsAndStableCopyLabel } from '../flows/icons-labels.ts';
import { dropFiles, queueRow } from '../flows/page-helpers.ts';
import { webShellForThisFile } from '../web-shell.ts';

const shell = webShellForThisFile();

test.use({ locale: 'en-US' });

test('the page loads with no 404 (the favicon is served from the build)', async ({ page }) => {
  const missing: string[] = [];
  page.on('response', (response) => {
    if (response.status() === 404) missing.push(response.url());
  });
  await page.goto(shell.url);
  await expect(page.getByLabel('Upload to')).toHaveValue('sandbox');
  const favicon = await page.request.get(`${shell.origin}/favicon.ico`);
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()['content-type']).toBe('image/x-icon');
  expect((await favicon.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
  expect(missing).toEqual([]);
});

test('grid tiles draw SVG icons and "Copied" does not push Delete out of the tile', async ({
  page,
  context,
}, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: shell.origin });
  await page.setViewportSize({ width: 800, height: 600 });
  await page.goto(shell.url);
  await expect(page.getByLabel('Upload to')).toHaveValue('sandbox');
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#2f6fde' } })
    .png()
    .toBuffer();
  await dropFiles(page, [{ name: 'tile-icons.png', type: 'image/png', bytes: png }]);
  await expect(queueRow(page, 'tile-icons.png')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await tileIconsAndStableCopyLabel(page, 'tile-icons.png');
  await page.screenshot({ path: testInfo.outputPath('tile-copied-800.png') });
});
