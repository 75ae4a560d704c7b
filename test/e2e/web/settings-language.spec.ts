import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { switchToChineseFlow, switchToEnglish } from '../flows/language.ts';
import { dropFiles, openView, queueRow } from '../flows/page-helpers.ts';
import { settingsRoundTripFlow } from '../flows/settings.ts';
import { startThrottledWebShell, type RunningWebShell } from '../web-shell.ts';

let shell: RunningWebShell;

test.beforeAll(async () => {
  // Slow enough that a 3 MB file is still uploading (and can sit paused) while the views are checked.
  shell = await startThrottledWebShell({
    bytesPerSecond: 300_000,
  });
});

test.afterAll(async () => {
  await shell?.stop();
});

test.use({ locale: 'en-US' });

test('switching to Chinese translates every visible string of the Queue and Settings views, live', async ({
  page,
}, testInfo) => {
  await page.goto(shell.url);
  await expect(page.getByLabel('Upload to')).toHaveValue('sandbox');
  // Rows in several states, so their labels and buttons are on screen too.
  await dropFiles(page, [
    { name: 'small.txt', type: 'text/plain', bytes: randomBytes(2_000) },
    { name: 'big.bin', type: 'application/octet-stream', bytes: randomBytes(3_000_000) },
  ]);
  await expect(queueRow(page, 'small.txt')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(queueRow(page, 'big.bin')).toHaveAttribute('data-state', 'uploading');
  await queueRow(page, 'big.bin').locator('[data-action="pause"]').click();
  await expect(queueRow(page, 'big.bin')).toHaveAttribute('data-state', 'paused');

  const result = await switchToChineseFlow(page, ['small.txt', 'big.bin']);
  // The check looked at real strings, not at an empty page.
  expect(result.queueStrings).toEqual(expect.arrayContaining(['队列', '已暂停', '继续', '复制', '格式']));
  expect(result.settingsStrings).toEqual(expect.arrayContaining(['设置', '语言', '本地上传接口']));
  await page.screenshot({ path: testInfo.outputPath('queue-zh.png'), fullPage: true });

  await switchToEnglish(page);
  await openView(page, 'queue');
  await expect(queueRow(page, 'big.bin')).toContainText('Paused');
  await queueRow(page, 'big.bin').locator('[data-action="cancel"]').click();
});

test('settings round trip: every change is saved by the main side and is there after a reload', async ({
  page,
}, testInfo) => {
  await page.goto(shell.url);
  await expect(page.getByLabel('Upload to')).toHaveValue('sandbox');
  await settingsRoundTripFlow(page, { accountName: 'Sandbox' });

  // The local API is on now, with its secret, copy and replace buttons: in both languages, for a
  // person to look at, and with no English left in the Chinese one.
  const localApiGroup = page.locator('.settings-group', { has: page.getByTestId('local-api-capability') });
  await openView(page, 'settings');
  await localApiGroup.screenshot({ path: testInfo.outputPath('settings-local-api-en.png') });
  const { settingsStrings } = await switchToChineseFlow(page, ['small.txt', 'big.bin']);
  expect(settingsStrings).toEqual(expect.arrayContaining(['更换密钥', '复制密钥']));
  await openView(page, 'settings');
  await localApiGroup.screenshot({ path: testInfo.outputPath('settings-local-api-zh.png') });
  await switchToEnglish(page);
});
