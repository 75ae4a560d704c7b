import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { dropFolderFlow, dropTwoFilesFlow, pasteImageFlow, pickFilesFlow } from '../flows/drop-upload.ts';
import { webShellForThisFile } from '../web-shell.ts';

const shell = webShellForThisFile();

test.beforeEach(async ({ page }) => {
  await page.goto(shell.url);
  await expect(page.getByLabel('Upload to')).toHaveValue('sandbox');
});

test('dropping two files onto the window uploads both and their links return the same bytes', async ({
  page,
}, testInfo) => {
  await dropTwoFilesFlow(page);
  await page.screenshot({ path: testInfo.outputPath('queue-after-drop.png'), fullPage: true });
});

test('a dropped folder is walked, its file count confirmed, and every file in it uploads', async ({
  page,
}, testInfo) => {
  await dropFolderFlow(page, async () => {
    await page.screenshot({ path: testInfo.outputPath('folder-prompt.png') });
  });
  await page.screenshot({ path: testInfo.outputPath('queue-after-folder.png'), fullPage: true });
});

test('a pasted image is staged as a file and uploads', async ({ page }) => {
  const png = await sharp({ create: { width: 64, height: 48, channels: 4, background: '#e0457b' } })
    .png()
    .toBuffer();
  await pasteImageFlow(page, new Uint8Array(png));
});

test('files chosen with the file picker upload', async ({ page }) => {
  await pickFilesFlow(page, [
    { name: 'picked-a.csv', type: 'text/csv', bytes: randomBytes(12_000) },
    { name: 'picked-b.bin', type: 'application/octet-stream', bytes: randomBytes(1_300_000) },
  ]);
});
