import { test } from '@playwright/test';
import {
  accountSecretStaysWriteOnly,
  accountTestAndRemove,
  recordWebSocketFrames,
} from '../flows/account-secret.ts';
import { webShellForThisFile } from '../web-shell.ts';

const shell = webShellForThisFile();

test('an account secret is write-only: never in the DOM, inputs, storage, or any frame but its one request', async ({
  page,
}) => {
  const frames = recordWebSocketFrames(page);
  const { accountName } = await accountSecretStaysWriteOnly(page, shell.url, frames);
  await accountTestAndRemove(page, accountName);
});
