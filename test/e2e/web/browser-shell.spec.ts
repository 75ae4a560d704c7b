import { test } from '@playwright/test';
import { browserShellExplainsAndAnnounces } from '../flows/browser-shell.ts';
import { startThrottledWebShell, type RunningWebShell } from '../web-shell.ts';

let shell: RunningWebShell;

test.beforeAll(async () => {
  shell = await startThrottledWebShell({ bytesPerSecond: 0, rejectFirst: 'pic_up: refused for the test' });
});

test.afterAll(async () => {
  await shell?.stop();
});

test.use({ locale: 'en-US' });

test('in a browser: desktop-only settings say so, and a finished or failed batch shows a message in the page', async ({
  page,
  context,
}, testInfo) => {
  test.setTimeout(90_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: shell.origin });
  await page.goto(shell.url);
  await browserShellExplainsAndAnnounces(page, (name) =>
    page.screenshot({ path: testInfo.outputPath(`${name}.png`) }),
  );
});
