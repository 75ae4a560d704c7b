import { test } from '@playwright/test';
import { accountFormKeyboard, credentialFixPath, s3EndpointOf } from '../flows/credential-fix.ts';
import { startSandboxProcess, type RunningSandbox } from '../sandbox-process.ts';
import { startWebShellProcess, type RunningWebShell } from '../web-shell.ts';

let shell: RunningWebShell;
let sandbox: RunningSandbox;

test.beforeAll(async () => {
  [shell, sandbox] = await Promise.all([startWebShellProcess(), startSandboxProcess()]);
});

test.afterAll(async () => {
  await Promise.all([shell?.stop(), sandbox?.stop()]);
});

test.use({ locale: 'en-US', viewport: { width: 1000, height: 800 } });

test('the account form by keyboard: Enter opens it with the focus inside, Escape closes it back to the button', async ({
  page,
}) => {
  await page.goto(shell.url);
  await accountFormKeyboard(page);
});

test('an S3 account with a wrong secret: tested on save with the server’s message, named by the failed upload, fixed from there, and retried', async ({
  page,
}, testInfo) => {
  await page.goto(shell.url);
  await credentialFixPath(page, s3EndpointOf(sandbox), (name) =>
    page.screenshot({ path: testInfo.outputPath(`${name}.png`) }),
  );
  await page.screenshot({ path: testInfo.outputPath('credential-fixed.png') });
});
