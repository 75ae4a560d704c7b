import { test } from '@playwright/test';
import {
  accountSecretStaysWriteOnly,
  accountTestAndRemove,
  recordWebSocketFrames,
} from '../flows/account-secret.ts';
import { startWebShellProcess, type RunningWebShell } from '../web-shell.ts';

let shell: RunningWebShell;

test.beforeAll(async () => {
  shell = await startWebShellProcess();
});

test.afterAll(async () => {
  await shell?.stop();
});

test('an account secret is write-only: never in the DOM, inputs, storage, or any frame but its one request', async ({
  page,
}) => {
  const frames = recordWebSocketFrames(page);
  const { accountName } = await accountSecretStaysWriteOnly(page, shell.url, frames);
  await accountTestAndRemove(page, accountName);
});
