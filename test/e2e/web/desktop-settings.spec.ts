import { expect, test } from '@playwright/test';
import zhCommon from '../../../renderer/i18n/locales/zh-CN/common.ts';
import { clipboardSettingsFlow, shortcutNoticeFlow } from '../flows/desktop-settings.ts';
import { mainSideEvents } from '../flows/main-side-events.ts';
import { chooseSetting } from '../flows/ui-helpers.ts';
import { webShellForThisFile } from '../web-shell.ts';

const shell = webShellForThisFile();

test.describe.configure({ mode: 'serial' });

test.use({ locale: 'en-US', viewport: { width: 1000, height: 800 } });

test('clipboard settings: shortcut recorded, typed (refused with the reason), emptied, default again; links copied; drop window', async ({
  page,
}) => {
  await page.goto(shell.url);
  await clipboardSettingsFlow(page);
});

test('a shortcut another app holds: the notice leads to the setting, which says so until a new one is saved', async ({
  page,
}, testInfo) => {
  const emit = await mainSideEvents(page);
  await page.goto(shell.url);
  await shortcutNoticeFlow(page, emit, (name) =>
    page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true }),
  );
});

test('in Chinese: the desktop group, the shortcut notice and the field that says it is not working', async ({
  page,
}, testInfo) => {
  const emit = await mainSideEvents(page);
  await page.goto(shell.url);
  await chooseSetting(page, 'language', 'zh-CN');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  // The notice names the shortcut in the settings, as the desktop app's does.
  const useDefault = page.getByTestId('shortcut-default');
  if ((await useDefault.count()) > 0) await useDefault.click();
  // The language change re-lists the notices; the test's notice must come after that answer.
  await page.waitForTimeout(500);
  emit({
    name: 'notice',
    payload: {
      id: 'shortcut-notice-zh',
      kind: 'shortcut-unavailable',
      message:
        'Ferry 无法将 CommandOrControl+Alt+Shift+U 设为上传剪贴板的快捷键：其他应用（或系统）正在使用它。请在设置中换一个。',
      createdAt: Date.now(),
    },
  });
  await expect(page.getByTestId('shortcut-unavailable')).toContainText('无法使用');
  await expect(page.getByTestId('notice-banner')).toContainText(zhCommon.notice['shortcut-unavailable']);
  await page.screenshot({ path: testInfo.outputPath('settings-desktop-zh.png'), fullPage: true });
  await chooseSetting(page, 'language', 'system');
});
