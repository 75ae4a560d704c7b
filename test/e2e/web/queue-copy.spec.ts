import { test } from '@playwright/test';
import {
  newBatchComesIntoView,
  queueBatchesAndCopyAll,
  queueCopyUsesDefaultFormat,
} from '../flows/queue-copy.ts';
import { webShellForThisFile } from '../web-shell.ts';

const shell = webShellForThisFile();

test.describe.configure({ mode: 'serial' });

test.use({ locale: 'en-US', viewport: { width: 800, height: 600 } });

test.beforeEach(async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: shell.origin });
  await page.goto(shell.url);
});

test('a queue row copies in the default format, and its Copy-as menu works by keyboard', async ({ page }) => {
  await queueCopyUsesDefaultFormat(page);
});

test('thirty files dropped while three are done: counted while handed over, newest batch first, Copy all in input order', async ({
  page,
}, testInfo) => {
  await queueBatchesAndCopyAll(page);
  await page.screenshot({ path: testInfo.outputPath('queue-batches-800.png') });
  await newBatchComesIntoView(page);
  await page.screenshot({ path: testInfo.outputPath('queue-new-batch-in-view-800.png') });
});
