import { test } from '@playwright/test';
import { historyKeyboard, historyMouseSelection, uploadTextFiles } from '../flows/history-select.ts';
import { webShellForThisFile } from '../web-shell.ts';

const shell = webShellForThisFile();

test.describe.configure({ mode: 'serial' });

test.use({ locale: 'en-US', viewport: { width: 1000, height: 700 } });

test.beforeEach(async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: shell.origin });
  await page.goto(shell.url);
});

test('history multi-select: click, Shift+click, Ctrl/Cmd+click; copy and delete the selection', async ({
  page,
}) => {
  await uploadTextFiles(page, 'pick', 7);
  await historyMouseSelection(page, 'pick', 7);
});

test('history by keyboard: one Tab stop, arrows, Space, Shift+arrows, Ctrl/Cmd+A, Enter into the buttons, Ctrl/Cmd+C', async ({
  page,
}, testInfo) => {
  await uploadTextFiles(page, 'keys', 9);
  await historyKeyboard(page, 'keys', 9);
  await page.screenshot({ path: testInfo.outputPath('history-keyboard.png') });
});
