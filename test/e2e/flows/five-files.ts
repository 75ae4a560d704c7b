import { expect, type Page } from '@playwright/test';
import { downloadLinkOf, dropFiles, openView, queueRow, sha256, type FileSpec } from './page-helpers.ts';

export interface FiveFilesOptions {
  /** Five real files of different sizes and types; uploads must be slow enough to pause one. */
  files: readonly FileSpec[];
  /** Paused while it uploads, checked to stay put, then resumed to the end. */
  pauseName: string;
  /** Cancelled while it uploads or waits. */
  cancelName: string;
  /** How long a paused file must show no progress to count as paused. */
  pauseHoldMs?: number;
}

export interface FiveFilesResult {
  /** Bytes shown for the paused file when paused and after holding. */
  pausedAt: number;
  pausedAfterHold: number;
}

const progressValue = async (page: Page, name: string): Promise<number> =>
  Number((await queueRow(page, name).locator('progress').getAttribute('value')) ?? '0');

/**
 * Drop five mixed files at once; pause one mid-upload and resume it, cancel another; every other one
 * finishes, and each finished file's link returns exactly the dropped bytes.
 */
export async function dropFiveMixedFilesFlow(
  page: Page,
  options: FiveFilesOptions,
): Promise<FiveFilesResult> {
  const { files, pauseName, cancelName, pauseHoldMs = 1_500 } = options;
  await openView(page, 'queue');
  await dropFiles(page, files);

  // Pause once bytes are moving, so the pause interrupts a running upload.
  const paused = queueRow(page, pauseName);
  await expect(paused).toHaveAttribute('data-state', 'uploading', { timeout: 20_000 });
  await expect.poll(() => progressValue(page, pauseName), { timeout: 20_000 }).toBeGreaterThan(0);
  // A running upload shows its speed and time left, and the batch its overall speed.
  await expect(paused.locator('.speed-text')).toBeVisible({ timeout: 10_000 });
  await expect(paused.locator('.eta-text')).toBeVisible();
  await expect(page.getByTestId('totals-speed')).toBeVisible();
  await paused.locator('[data-action="pause"]').click();
  await expect(paused).toHaveAttribute('data-state', 'paused');
  const pausedAt = await progressValue(page, pauseName);
  await page.waitForTimeout(pauseHoldMs);
  const pausedAfterHold = await progressValue(page, pauseName);
  expect(pausedAfterHold).toBe(pausedAt);
  await expect(paused).toHaveAttribute('data-state', 'paused');

  const cancelled = queueRow(page, cancelName);
  await cancelled.locator('[data-action="cancel"]').click();
  await expect(cancelled).toHaveAttribute('data-state', 'cancelled');

  await paused.locator('[data-action="resume"]').click();
  for (const file of files) {
    if (file.name === cancelName) continue;
    await expect(queueRow(page, file.name)).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  }
  await expect(cancelled).toHaveAttribute('data-state', 'cancelled');

  const totals = page.getByTestId('queue-totals');
  await expect(totals).toHaveAttribute('data-total', String(files.length));
  await expect(totals).toHaveAttribute('data-done', String(files.length - 1));
  await expect(totals).toHaveAttribute('data-cancelled', '1');
  await expect(totals).toHaveAttribute('data-failed', '0');

  for (const file of files) {
    if (file.name === cancelName) continue;
    expect(sha256(await downloadLinkOf(queueRow(page, file.name))), file.name).toBe(sha256(file.bytes));
  }
  await expect(queueRow(page, cancelName).getByTestId('queue-link')).toHaveCount(0);
  return { pausedAt, pausedAfterHold };
}
