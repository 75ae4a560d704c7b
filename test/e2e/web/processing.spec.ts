import { expect, test, type Locator, type Page } from '@playwright/test';
import { join } from 'node:path';
import sharp from 'sharp';
import { chooseSetting, dropFiles, openView, type DropFile } from '../flows/ui-helpers.ts';
import { startWebShellProcess, type RunningWebShell } from '../web-shell.ts';

let shell: RunningWebShell;

test.beforeAll(async () => {
  shell = await startWebShellProcess();
});

test.afterAll(async () => {
  await shell?.stop();
});

/** A phone photo in miniature: a JPEG with EXIF that holds a GPS position. */
async function photoWithLocation(name: string, colour: string): Promise<DropFile> {
  const bytes = await sharp({ create: { width: 640, height: 480, channels: 3, background: colour } })
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: 'FerryCam' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100' },
    })
    .toBuffer();
  return { name, type: 'image/jpeg', bytes };
}

/** The page, or one part of it (scrolled into view: the views scroll inside the window, not the page). */
function screenshot(target: Page | Locator, testInfo: { outputPath(name: string): string }, name: string) {
  const dir = process.env.FERRY_SCREENSHOT_DIR;
  const path = dir ? join(dir, `${name}.png`) : testInfo.outputPath(`${name}.png`);
  return 'goto' in target ? target.screenshot({ path, fullPage: true }) : target.screenshot({ path });
}

test('the account form previews remote names live, and saves the processing fields', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.goto(shell.url);
  await openView(page, 'accounts');
  await page.getByTestId('account-add').click();
  const form = page.locator('form.account-form');
  await form.getByTestId('account-provider').selectOption('s3');
  const section = form.getByTestId('account-processing');
  await section.locator('summary').click();
  const preview = section.getByTestId('rename-preview');
  const year = String(new Date().getUTCFullYear());
  // Empty: S3's own default pattern, previewed.
  await expect(preview).toContainText(new RegExp(`${year}/\\d{2}/[0-9a-f]{16}-IMG_2041\\.jpg`));

  const rename = section.locator('[data-field="process.rename"] input');
  await rename.fill('shots/{yyyy}/{hash:8}-{name}.{ext}');
  await expect(preview).toContainText(`shots/${year}/3f2a9c41-IMG_2041.jpg`);
  await section.locator('[data-field="process.format"] select').selectOption('webp');
  await expect(preview).toContainText(`shots/${year}/3f2a9c41-IMG_2041.webp`);
  await screenshot(section, testInfo, 'account-processing-s3-en');

  await rename.fill('{date}/{name}');
  await expect(preview).toContainText('"{date}" is not a placeholder');

  // tus has no folders: the name after the last "/" only.
  await form.getByTestId('account-provider').selectOption('tus');
  await rename.fill('shots/{name}-{rand:4}.{ext}');
  await expect(preview).toContainText(/^.*IMG_2041-[0-9a-f]{4}\.webp$/);
  await expect(preview).not.toContainText('shots/');

  // Saved with the account, and read back into the form.
  await form.getByTestId('account-name').fill('Processed tus');
  await form.locator('[data-field="endpoint"] input').fill('http://127.0.0.1:9/files/');
  await form.getByTestId('account-save').click();
  // Saved, then tested: nothing listens on the loopback port, so keep it as saved.
  await expect(page.getByTestId('account-save-test-failed')).toBeVisible();
  await page.getByTestId('account-keep').click();
  const card = page.getByTestId('account-card').filter({ hasText: 'Processed tus' });
  await expect(card).toBeVisible();
  await card.getByTestId('account-edit').click();
  const edit = page.locator('form.account-form');
  await expect(edit.getByTestId('account-processing')).toHaveAttribute('open', '');
  await expect(edit.locator('[data-field="process.rename"] input')).toHaveValue(
    'shots/{name}-{rand:4}.{ext}',
  );
  await expect(edit.locator('[data-field="process.format"] select')).toHaveValue('webp');

  // A value the service would refuse is refused in the form, in its words, and nothing is sent.
  await edit.locator('[data-field="process.quality"] input').fill('120');
  await edit.getByTestId('account-save').click();
  await expect(edit.locator('[data-field="process.quality"] .account-field-problem')).toContainText(
    'quality',
  );

  await chooseSetting(page, 'language', 'zh-CN');
  await openView(page, 'accounts');
  await page
    .getByTestId('account-card')
    .filter({ hasText: 'Processed tus' })
    .getByTestId('account-edit')
    .click();
  await expect(page.getByTestId('account-processing')).toContainText('上传前的图片处理');
  await screenshot(page.getByTestId('account-processing'), testInfo, 'account-processing-tus-zh-CN');
  await chooseSetting(page, 'language', 'en');

  // Gone again: with one account a drop goes straight to it (the next test drops files).
  await openView(page, 'accounts');
  const tus = page.getByTestId('account-card').filter({ hasText: 'Processed tus' });
  await tus.getByTestId('account-remove').click();
  await page.getByTestId('account-remove-confirm').click();
  await expect(tus).toHaveCount(0);
});

test('history shows sizes before and after; the same photo again is reused; "upload originals" sends it as it is, "upload again" uploads it anew', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1100, height: 820 });
  await page.goto(shell.url);
  const photo = await photoWithLocation('IMG_0042.jpg', '#4a7');

  await openView(page, 'queue');
  await dropFiles(page, [photo]);
  await openView(page, 'history');
  await page.getByTestId('history-layout-list').click();
  const first = page.getByTestId('history-entry').filter({ hasText: 'IMG_0042.jpg' }).first();
  await expect(first.getByTestId('history-processed')).toBeVisible({ timeout: 30_000 });
  await expect(first.getByTestId('history-processed')).toHaveAttribute('title', /Removed: location/);

  // The same bytes again: the earlier entry's links, no upload, and a note saying so.
  await openView(page, 'queue');
  await dropFiles(page, [photo]);
  await openView(page, 'history');
  await expect(page.getByTestId('history-reused')).toHaveCount(1, { timeout: 30_000 });
  await expect(page.getByTestId('history-reused')).toContainText('Reused from');

  // "Upload originals" on: the photo goes as it is (other bytes, so no reuse; no sizes shown).
  await openView(page, 'queue');
  await page.getByTestId('upload-originals').check();
  await screenshot(page, testInfo, 'queue-drop-options-en');
  await dropFiles(page, [photo]);
  await openView(page, 'history');
  await expect(page.getByTestId('history-entry').filter({ hasText: 'IMG_0042.jpg' })).toHaveCount(3, {
    timeout: 30_000,
  });
  const newest = page.getByTestId('history-entry').filter({ hasText: 'IMG_0042.jpg' }).first();
  await expect(newest.getByTestId('history-processed')).toHaveCount(0);
  await expect(newest.getByTestId('history-reused')).toHaveCount(0);
  await expect(newest).toContainText(`${(photo.bytes.length / 1000).toFixed(1)} KB`);

  // "Upload again" on, originals off: the same photo is processed and uploaded, not reused.
  await openView(page, 'queue');
  await page.getByTestId('upload-originals').uncheck();
  await page.getByTestId('upload-again').check();
  await dropFiles(page, [photo]);
  await openView(page, 'history');
  const entries = page.getByTestId('history-entry').filter({ hasText: 'IMG_0042.jpg' });
  await expect(entries).toHaveCount(4, { timeout: 30_000 });
  await expect(entries.first().getByTestId('history-processed')).toBeVisible();
  await expect(entries.first().getByTestId('history-reused')).toHaveCount(0);
  await expect(page.getByTestId('history-reused')).toHaveCount(1);
  await screenshot(page, testInfo, 'history-processing-en');

  await chooseSetting(page, 'language', 'zh-CN');
  await openView(page, 'history');
  await expect(page.getByTestId('history-reused')).toContainText('已于');
  await screenshot(page, testInfo, 'history-processing-zh-CN');
  await openView(page, 'queue');
  await screenshot(page, testInfo, 'queue-drop-options-zh-CN');
  await chooseSetting(page, 'language', 'en');
});

test('Settings: the defaults every account follows, with the rename preview on a plain provider and on S3', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.goto(shell.url);
  await openView(page, 'settings');
  const group = page.getByTestId('processing-settings');
  const year = String(new Date().getUTCFullYear());
  await group.getByLabel('Convert to').selectOption('webp');
  const rename = group.getByTestId('settings-rename');
  await rename.fill('shots/{yyyy}/{name}-{hash:6}.{ext}');
  const preview = group.getByTestId('settings-rename-preview');
  await expect(preview).toContainText('IMG_2041-3f2a9c.webp');
  await expect(preview).toContainText(`shots/${year}/IMG_2041-3f2a9c.webp`);
  await rename.press('Enter');
  await screenshot(group, testInfo, 'settings-processing-en');

  // Saved: a new page reads it back from the main side.
  await page.reload();
  await openView(page, 'settings');
  await expect(page.getByTestId('settings-rename')).toHaveValue('shots/{yyyy}/{name}-{hash:6}.{ext}');
  await expect(page.getByTestId('processing-settings').getByLabel('Convert to')).toHaveValue('webp');

  // A pattern that does not parse says why, and is not saved.
  await page.getByTestId('settings-rename').fill('{when}');
  await expect(page.getByTestId('settings-rename-preview')).toContainText('"{when}" is not a placeholder');
  await page.getByTestId('settings-rename').press('Enter');
  await page.reload();
  await openView(page, 'settings');
  await expect(page.getByTestId('settings-rename')).toHaveValue('shots/{yyyy}/{name}-{hash:6}.{ext}');

  await chooseSetting(page, 'language', 'zh-CN');
  await expect(page.getByTestId('processing-settings')).toContainText('上传前的图片处理');
  await screenshot(page.getByTestId('processing-settings'), testInfo, 'settings-processing-zh-CN');
  await chooseSetting(page, 'language', 'en');

  // Back to the defaults, for whatever runs next on this shell.
  await page.getByTestId('settings-rename').fill('');
  await page.getByTestId('settings-rename').press('Enter');
  await page.getByTestId('processing-settings').getByLabel('Convert to').selectOption('keep');
});
