import { test } from '@playwright/test';
import { addS3Account, s3EndpointOf } from '../flows/credential-fix.ts';
import { askEachTimeAsks, emptyFilesAskOncePerDrop } from '../flows/drop-questions.ts';
import { startSandboxProcess, type RunningSandbox } from '../sandbox-process.ts';
import { startWebShellProcess, type RunningWebShell } from '../web-shell.ts';

let shell: RunningWebShell;
let sandbox: RunningSandbox;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  [shell, sandbox] = await Promise.all([startWebShellProcess(), startSandboxProcess()]);
});

test.afterAll(async () => {
  await Promise.all([shell?.stop(), sandbox?.stop()]);
});

test.use({ locale: 'en-US' });

test('a drop with empty files asks once, skips or uploads them, and the setting stops the question', async ({
  page,
}, testInfo) => {
  await page.goto(shell.url);
  await emptyFilesAskOncePerDrop(page, (name) =>
    page.screenshot({ path: testInfo.outputPath(`${name}.png`) }),
  );
  await page.screenshot({ path: testInfo.outputPath('settings-after-empty-files.png') });
});

test('"Ask each time" asks which account before uploading, and remembers the answer when told to', async ({
  page,
}, testInfo) => {
  await page.goto(shell.url);
  await addS3Account(page, s3EndpointOf(sandbox), 'Team bucket');
  await askEachTimeAsks(page, 'Team bucket', (name) =>
    page.screenshot({ path: testInfo.outputPath(`${name}.png`) }),
  );
});
