import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { dropFiveMixedFilesFlow } from '../flows/five-files.ts';
import type { FileSpec } from '../flows/page-helpers.ts';
import { startThrottledWebShell, type RunningWebShell } from '../web-shell.ts';

let shell: RunningWebShell;

test.beforeAll(async () => {
  // 1 MB/s for all uploads together: the 4 MB video takes seconds, long enough to pause.
  shell = await startThrottledWebShell({
    bytesPerSecond: 1_000_000,
  });
});

test.afterAll(async () => {
  await shell?.stop();
});

/** A real PNG (noise, so it does not compress away), so the thumbnailer has a picture to make. */
async function noisePng(width: number, height: number): Promise<Uint8Array> {
  const raw = randomBytes(width * height * 3);
  return new Uint8Array(
    await sharp(raw, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer(),
  );
}

test('five mixed files: one paused and resumed, one cancelled, the rest done and byte-identical via their links', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const files: FileSpec[] = [
    { name: 'clip.mp4', type: 'video/mp4', bytes: randomBytes(4_000_000) },
    { name: 'archive.zip', type: 'application/zip', bytes: randomBytes(3_000_000) },
    { name: 'photo.png', type: 'image/png', bytes: await noisePng(600, 400) },
    { name: 'notes.txt', type: 'text/plain', bytes: Buffer.from('Ferry e2e notes\n'.repeat(2_000)) },
    { name: 'report.pdf', type: 'application/pdf', bytes: randomBytes(150_000) },
  ];
  await page.goto(shell.url);
  await expect(page.getByLabel('Upload to')).toHaveValue('sandbox');
  const result = await dropFiveMixedFilesFlow(page, {
    files,
    pauseName: 'clip.mp4',
    cancelName: 'archive.zip',
  });
  expect(result.pausedAt).toBeGreaterThan(0);
  // The image's row shows its thumbnail once the thumbnailer has made it.
  await expect(page.getByTestId('queue-thumbnail')).toHaveCount(1, { timeout: 20_000 });
  await page.screenshot({ path: testInfo.outputPath('queue-five-files.png'), fullPage: true });
});
