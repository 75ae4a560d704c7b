import { test } from '@playwright/test';
import { historyShowsThumbnailsAndSearchFinds } from '../flows/history-thumbnails-search.ts';
import { historyAndAccountsInChinese } from '../flows/views-in-chinese.ts';
import { webShellForThisFile } from '../web-shell.ts';

const shell = webShellForThisFile();

test('switching to Chinese translates every string of the history and accounts views', async ({ page }) => {
  // Entries with thumbnails and without, so every kind of row is on screen.
  await historyShowsThumbnailsAndSearchFinds(page, shell.url);
  await historyAndAccountsInChinese(page, shell.url);
});
