import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import enCommon from '../../../renderer/i18n/locales/en/common.ts';
import zhCommon from '../../../renderer/i18n/locales/zh-CN/common.ts';
import { providerErrorAndRetryFlow } from '../flows/provider-error.ts';
import { startThrottledWebShell, type RunningWebShell } from '../web-shell.ts';

let shell: RunningWebShell;
const providerMessage = 'pic_up: the file was refused by the content check';

test.beforeAll(async () => {
  shell = await startThrottledWebShell({
    bytesPerSecond: 0,
    rejectFirst: providerMessage,
  });
});

test.afterAll(async () => {
  await shell?.stop();
});

test.use({ locale: 'zh-CN' });

test('a provider refusal shows the translated summary (system language: Chinese) with the provider’s own words, and Retry uploads', async ({
  page,
}, testInfo) => {
  await page.goto(shell.url);
  // The language follows the system (navigator.language) while settings say "system".
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.locator('.app-nav [data-view="queue"]')).toHaveText(zhCommon.nav.queue);
  expect(zhCommon.errors['provider-rejected']).not.toBe(enCommon.errors['provider-rejected']);
  await providerErrorAndRetryFlow(page, {
    file: { name: 'refused.txt', type: 'text/plain', bytes: randomBytes(20_000) },
    summary: zhCommon.errors['provider-rejected'],
    providerMessage,
    providerCode: '70001',
    whileFailed: () =>
      page.screenshot({ path: testInfo.outputPath('queue-failed-zh.png') }).then(() => undefined),
  });
  await page.screenshot({ path: testInfo.outputPath('queue-after-retry-zh.png') });
});
