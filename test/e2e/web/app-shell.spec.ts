import { rmSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { keyboardNavigationFlow, startNoticeFlow } from '../flows/app-shell.ts';
import { startWebShellProcess, type RunningWebShell } from '../web-shell.ts';

test.use({ locale: 'en-US' });

test('the sections are keyboard operable, with visible focus and aria-current', async ({ page }) => {
  const shell = await startWebShellProcess(mkdtempSync(join(tmpdir(), 'ferry-e2e-')));
  try {
    await page.goto(shell.url);
    await expect(page.getByLabel('Upload to')).toHaveValue('sandbox');
    await keyboardNavigationFlow(page);
  } finally {
    await shell.stop();
  }
});

test('a database damaged between runs is reported by a dismissible start notice', async ({
  page,
}, testInfo) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ferry-e2e-'));
  let shell: RunningWebShell = await startWebShellProcess(dataDir);
  await shell.stop();
  // Not a database any more, and no backup to restore: Ferry must start afresh and say so.
  rmSync(join(dataDir, 'backups'), { recursive: true, force: true });
  for (const suffix of ['-wal', '-shm']) rmSync(join(dataDir, `ferry.db${suffix}`), { force: true });
  writeFileSync(join(dataDir, 'ferry.db'), 'this is not a SQLite database '.repeat(200));
  shell = await startWebShellProcess(dataDir);
  try {
    await page.goto(shell.url);
    await expect(page.getByTestId('notice-banner')).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('start-notice.png') });
    await startNoticeFlow(page, /history database was damaged/);
  } finally {
    await shell.stop();
  }
});
