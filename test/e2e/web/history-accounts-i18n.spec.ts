import { test } from '@playwright/test';
import { historyShowsThumbnailsAndSearchFinds } from '../flows/history-thumbnails-search.ts';
import { historyAndAccountsInChinese } from '../flows/views-in-chinese.ts';
import { startWebShellProcess, type RunningWebShell } from '../web-shell.ts';

let shell: RunningWebShell;

test.beforeAll(async () => {
  shell = await startWebShellProcess();
});

test.afterAll(async () => {
  await shell?.stop();
});

test('switching to Chinese translates every string of the history and accounts views', async ({ page }) => {
  // Entries with thumbnails and without, so every kind of row is on screen.
  await historyShowsThumbnailsAndSearchFinds(page, shell.url);
  await historyAndAccountsInChinese(page, shell.url);
});
