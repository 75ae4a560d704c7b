import { expect, type Page } from '@playwright/test';
import { openView } from './page-helpers.ts';

export interface ResponsivenessResult {
  files: number;
  /** Durations (ms) of every main-thread task over 50 ms (the Long Tasks API's floor) during the batch. */
  longTasks: number[];
  /** Those over the 100 ms budget. */
  over100ms: number[];
  maxMs: number;
  batchMs: number;
}

/**
 * Queue a batch of `count` small files in one drop and record the page's main-thread long tasks
 * (PerformanceObserver 'longtask') from the drop until every file is done: the renderer must stay
 * responsive while thousands of rows report progress. The files are made inside the page, so making
 * them is not measured and no bytes cross from the test.
 */
export async function queueManyFilesResponsiveness(
  page: Page,
  options: { count: number; fileBytes?: number; timeoutMs?: number },
): Promise<ResponsivenessResult> {
  const { count, fileBytes = 1_024, timeoutMs = 600_000 } = options;
  await openView(page, 'queue');
  // Made in a task of its own: a long task is reported whole, so making the files in the measured
  // task would charge their making to the page.
  await page.evaluate(
    ({ count, fileBytes }) => {
      const transfer = new DataTransfer();
      for (let index = 0; index < count; index++) {
        const bytes = crypto.getRandomValues(new Uint8Array(fileBytes));
        transfer.items.add(
          new File([bytes], `file-${String(index).padStart(5, '0')}.txt`, { type: 'text/plain' }),
        );
      }
      (window as unknown as { ferryBatch: DataTransfer }).ferryBatch = transfer;
    },
    { count, fileBytes },
  );
  await page.evaluate(() => {
    const recorded: number[] = [];
    (window as unknown as { ferryLongTasks: number[] }).ferryLongTasks = recorded;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) recorded.push(entry.duration);
    }).observe({ type: 'longtask' });
  });
  const startedAt = await page.evaluate(() => {
    const transfer = (window as unknown as { ferryBatch: DataTransfer }).ferryBatch;
    const zone = document.querySelector('[data-testid="drop-zone"]')!;
    const startedAt = performance.now();
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
    return startedAt;
  });
  const totals = page.getByTestId('queue-totals');
  await expect(totals).toHaveAttribute('data-total', String(count), { timeout: timeoutMs });
  await expect(totals).toHaveAttribute('data-done', String(count), { timeout: timeoutMs });
  // Let the last flush render and the observer deliver its last entries.
  await page.waitForTimeout(500);
  const { longTasks, batchMs } = await page.evaluate((startedAt) => {
    const recorded = (window as unknown as { ferryLongTasks: number[] }).ferryLongTasks;
    return {
      longTasks: [...recorded].map((ms) => Math.round(ms)),
      batchMs: Math.round(performance.now() - startedAt),
    };
  }, startedAt);
  return {
    files: count,
    longTasks,
    over100ms: longTasks.filter((ms) => ms > 100),
    maxMs: longTasks.length === 0 ? 0 : Math.max(...longTasks),
    batchMs,
  };
}
