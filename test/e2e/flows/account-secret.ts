import { expect, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { tusCatalog } from '../../../shared/catalog/tus.ts';
import { openView } from './ui-helpers.ts';

/** Every contract message the page sent and received over the web shell's WebSocket. */
export interface FrameLog {
  sent: string[];
  received: string[];
}

/** Start before the page connects (before goto): frames of sockets opened earlier are not seen. */
export function recordWebSocketFrames(page: Page): FrameLog {
  const log: FrameLog = { sent: [], received: [] };
  const text = (payload: string | Buffer): string =>
    typeof payload === 'string' ? payload : payload.toString('utf8');
  page.on('websocket', (socket) => {
    socket.on('framesent', (frame) => log.sent.push(text(frame.payload)));
    socket.on('framereceived', (frame) => log.received.push(text(frame.payload)));
  });
  return log;
}

/** Fails if the secret is anywhere in the page: markup, any input's live value, or web storage. */
async function expectNotInPage(page: Page, secret: string): Promise<void> {
  expect(await page.content()).not.toContain(secret);
  const values = await page
    .locator('input, textarea, select')
    .evaluateAll((elements) => elements.map((element) => (element as HTMLInputElement).value));
  expect(values.some((value) => value.includes(secret))).toBe(false);
  const storage = await page.evaluate(
    () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
  );
  expect(storage).not.toContain(secret);
  expect(await page.evaluate(() => document.body.innerText)).not.toContain(secret);
}

function expectOnlyInOneRequest(
  frames: FrameLog,
  secret: string,
  command: 'accounts.add' | 'accounts.update',
): void {
  const sent = frames.sent.filter((frame) => frame.includes(secret));
  expect(sent).toHaveLength(1);
  expect((JSON.parse(sent[0]!) as { name: string }).name).toBe(command);
  expect(frames.received.filter((frame) => frame.includes(secret))).toEqual([]);
}

/**
 * Every save tests the connection; the tus server here (port 9) never answers, so the form stays open
 * on the failed test, and "Keep as saved" closes it.
 */
async function keepAfterFailedTest(page: Page): Promise<void> {
  const failed = page.getByTestId('account-save-test-failed');
  await expect(failed).toBeVisible({ timeout: 20_000 });
  await expect(failed.locator('[data-error-code]')).toHaveCount(1);
  await page.getByTestId('account-keep').click();
  await expect(page.locator('form.account-form')).toHaveCount(0);
}

/**
 * Add a tus account with a secret (auth header value): after submit the secret is nowhere in the page,
 * shown only as "set"; replacing it works the same way; clearing it (optional here) leaves "not set".
 * With a FrameLog (web shell), each secret must appear in exactly one frame the page sent (its
 * accounts.add / accounts.update request) and in no frame received.
 */
export async function accountSecretStaysWriteOnly(
  page: Page,
  url: string,
  frames: FrameLog | null,
): Promise<{ accountName: string }> {
  const secret = `Bearer sk-${randomBytes(12).toString('hex')}`;
  const replacement = `Bearer sk-${randomBytes(12).toString('hex')}`;
  const accountName = `Uploads ${randomBytes(2).toString('hex')}`;

  await page.goto(url);
  await openView(page, 'accounts');
  await page.getByTestId('account-add').click();
  const form = page.locator('form.account-form');
  await form.getByTestId('account-provider').selectOption('tus');
  await form.getByTestId('account-name').fill(accountName);
  await form.locator('[data-field="endpoint"] input').fill('http://127.0.0.1:9/files/');
  // The default of an optional field is filled in, and the required mark is shown for the required one.
  await expect(form.locator('[data-field="chunkSize"] input')).toHaveValue(
    tusCatalog.fields.find((field) => field.key === 'chunkSize')!.defaultValue!,
  );
  await expect(form.locator('[data-field="endpoint"] .account-required')).toHaveCount(1);
  await expect(form.getByTestId('secret-status-authHeaderValue')).toHaveText('Not set');
  await form.locator('[data-secret-input="authHeaderValue"]').fill(secret);
  await form.getByTestId('account-save').click();
  await keepAfterFailedTest(page);

  const card = page.getByTestId('account-card').filter({ hasText: accountName });
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId('card-secret-authHeaderValue')).toHaveText('Set');
  await expectNotInPage(page, secret);
  if (frames) expectOnlyInOneRequest(frames, secret, 'accounts.add');

  // Edit: the secret is not pre-filled; it can be replaced, and the new one leaves no trace either.
  await card.getByTestId('account-edit').click();
  const edit = page.locator('form.account-form');
  await expect(edit.getByTestId('secret-status-authHeaderValue')).toHaveText('Set');
  await expect(edit.locator('[data-secret-input]')).toHaveCount(0);
  await expectNotInPage(page, secret);
  await edit.getByRole('button', { name: 'Replace' }).click();
  await expect(edit.locator('[data-secret-input="authHeaderValue"]')).toHaveValue('');
  await edit.locator('[data-secret-input="authHeaderValue"]').fill(replacement);
  await edit.getByTestId('account-save').click();
  await keepAfterFailedTest(page);
  await expect(card.getByTestId('card-secret-authHeaderValue')).toHaveText('Set');
  await expectNotInPage(page, replacement);
  if (frames) expectOnlyInOneRequest(frames, replacement, 'accounts.update');

  // Clear: an optional secret can be removed.
  await card.getByTestId('account-edit').click();
  await page.locator('form.account-form').getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByTestId('secret-status-authHeaderValue')).toHaveText('Will be removed on save');
  await page.locator('form.account-form').getByTestId('account-save').click();
  await keepAfterFailedTest(page);
  await expect(card.getByTestId('card-secret-authHeaderValue')).toHaveText('Not set');

  if (frames) {
    // Nothing the main side sent back ever carried either secret, not even the account lists.
    expect(frames.received.some((frame) => frame.includes(secret) || frame.includes(replacement))).toBe(
      false,
    );
  }
  await expectNotInPage(page, secret);
  await expectNotInPage(page, replacement);
  return { accountName };
}

/**
 * Test connection shows the outcome: "works" for the Sandbox; for an unreachable tus server Ferry's
 * reason with the error code. Removing the built-in Sandbox is not offered; removing the account works.
 */
export async function accountTestAndRemove(page: Page, accountName: string): Promise<void> {
  await openView(page, 'accounts');
  const sandbox = page.locator('[data-testid="account-card"][data-account-id="sandbox"]');
  await sandbox.getByTestId('account-test').click();
  await expect(sandbox.getByTestId('account-test-result')).toContainText('Connection works.');
  await expect(sandbox.getByTestId('account-remove')).toHaveCount(0);

  const card = page.getByTestId('account-card').filter({ hasText: accountName });
  await card.getByTestId('account-test').click();
  const result = card.getByTestId('account-test-result');
  await expect(result.locator('[data-error-code]')).toHaveCount(1, { timeout: 20_000 });
  await expect(result).toContainText('The test failed');

  await card.getByTestId('account-remove').click();
  await page.getByTestId('account-remove-confirm').click();
  await expect(page.getByTestId('account-card').filter({ hasText: accountName })).toHaveCount(0);
}
