import { test } from '@playwright/test';
import { copyFormatChangesWhatIsCopied } from '../flows/history-copy-formats.ts';
import { deleteEntryAsksFirst, entryDetailsShowRemoteId } from '../flows/history-delete.ts';
import { historyShowsThumbnailsAndSearchFinds } from '../flows/history-thumbnails-search.ts';
import { webShellForThisFile } from '../web-shell.ts';

const shell = webShellForThisFile();
let imageName: string;
let otherName: string;

test.describe.configure({ mode: 'serial' });

test('history shows the thumbnails of uploaded images (the img loads) and search finds a file', async ({
  page,
}) => {
  const result = await historyShowsThumbnailsAndSearchFinds(page, shell.url);
  imageName = result.imageNames[0]!;
  otherName = result.otherName;
});

test('the copy format changes what lands on the real clipboard', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: shell.origin });
  await page.goto(shell.url);
  await copyFormatChangesWhatIsCopied(page, imageName);
});

test('details show the remote id; delete asks first, and a second window drops the row live', async ({
  page,
  context,
}) => {
  await page.goto(shell.url);
  await entryDetailsShowRemoteId(page, imageName);
  const other = await context.newPage();
  await other.goto(shell.url);
  await deleteEntryAsksFirst(page, other, otherName);
});
