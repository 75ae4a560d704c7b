import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { keyboardNavigationFlow, startNoticeFlow } from '../flows/app-shell.ts';
import { tempDir } from '../../support/temp.ts';
import { startWebShellProcess, type RunningWebShell } from '../web-shell.ts';

test.use({ locale: 'en-US' });

test('the sections are keyboard operable, with visible focus and aria-current', async ({ page }) => {
  const shell = await startWebShellProcess();
  try {
    await page.goto(shell.url);
    await expect(page.getByLabel('Upload to')).toHaveValue('sandbox');
    await keyboardNavigationFlow(page);
  } finally {
    await shell.stop();
  }
});

test('a database damaged between runs is reported by a start notice that stays until dismissed', async ({
  page,
}, testInfo) => {
  // One data folder for two runs of the shell: this test removes it.
  const dataDir = tempDir('ferry-e2e-');
  try {
    let shell: RunningWebShell = await startWebShellProcess(dataDir);
    await shell.stop();
    // Not a database any more, and no backup to restore: Ferry must start afresh and say so.
    rmSync(join(dataDir, 'backups'), { recursive: true, force: true });
    for (const suffix of ['-wal', '-shm']) rmSync(join(dataDir, `ferry.db${suffix}`), { force: true });
    writeFileSync(join(dataDir, 'ferry.db'), 'this is not a SQLite database '.repeat(200));
    shell = await startWebShellProcess(dataDir);
    await page.goto(shell.url);
    await expect(page.getByTestId('notice-banner')).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('start-notice.png') });
    // Not read yet: the next run shows it again.
    await shell.stop();
    shell = await startWebShellProcess(dataDir);
    try {
      await page.goto(shell.url);
      await startNoticeFlow(page, /database was damaged/);
    } finally {
      await shell.stop();
    }
    // Dismissed: gone for good.
    shell = await startWebShellProcess(dataDir);
    try {
      await page.goto(shell.url);
      await expect(page.getByLabel('Upload to')).toHaveValue('sandbox');
      await expect(page.getByTestId('notice-banner')).toHaveCount(0);
    } finally {
      await shell.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
