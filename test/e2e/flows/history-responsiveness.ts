import { expect, type Page } from '@playwright/test';
import { openView } from './ui-helpers.ts';

export interface LongTask {
  phase: string;
  startMs: number;
  durationMs: number;
}

export interface ResponsivenessResult {
  /** Long tasks while scrolling and searching (after the page and the first page of history loaded). */
  longTasks: LongTask[];
  maxMs: number;
  /** Long tasks of the page's own start (parsing the bundle), reported apart: not the history's doing. */
  startupLongTasks: LongTask[];
  entriesLoaded: number;
  scrollSteps: number;
  searches: { term: string; ms: number }[];
}

declare global {
  interface Window {
    __ferryLongTasks?: { phase: string; startMs: number; durationMs: number }[];
    __ferryPhase?: string;
  }
}

/**
 * With a large history (the spec fills 100,000 entries), scroll the list far (thousands of rows, page
 * after page loading as it goes) and search, while a PerformanceObserver records main-thread long tasks.
 */
export async function historyStaysResponsive(
  page: Page,
  url: string,
  options: { targetEntries: number; searchTerms: readonly string[]; maxScrollMs: number },
): Promise<ResponsivenessResult> {
  await page.addInitScript(() => {
    window.__ferryLongTasks = [];
    window.__ferryPhase = 'startup';
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        window.__ferryLongTasks!.push({
          phase: window.__ferryPhase ?? 'unknown',
          startMs: Math.round(entry.startTime),
          durationMs: Math.round(entry.duration),
        });
      }
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(url);
  await openView(page, 'history');
  await page.getByTestId('history-layout-list').click();
  const scroller = page.getByTestId('history-scroller');
  await expect(page.getByTestId('history-entry').first()).toBeVisible({ timeout: 30_000 });
  await page.waitForTimeout(500);
  await page.evaluate(() => (window.__ferryPhase = 'scroll'));

  // Scroll in wheel-sized steps, as a user dragging down quickly would; pages load on the way.
  await scroller.hover();
  const started = Date.now();
  let steps = 0;
  while (Date.now() - started < options.maxScrollMs) {
    await page.mouse.wheel(0, 2400);
    await page.waitForTimeout(16);
    steps++;
    if (steps % 20 === 0) {
      const rows = await scroller.evaluate((element) => Math.round(element.scrollHeight / 68));
      if (rows >= options.targetEntries) break;
    }
  }
  // List rows are 68 px (history.css): the scroll height counts the rows loaded so far.
  const loaded = await scroller.evaluate((element) => Math.round(element.scrollHeight / 68));

  await page.evaluate(() => (window.__ferryPhase = 'search'));
  const searches: { term: string; ms: number }[] = [];
  const search = page.getByTestId('history-search');
  for (const term of options.searchTerms) {
    const before = Date.now();
    await search.fill(term);
    // The debounce, the query and the render: done once the first row names the term.
    await expect(page.getByTestId('history-entry').first()).toContainText(term, {
      ignoreCase: true,
      timeout: 10_000,
    });
    searches.push({ term, ms: Date.now() - before });
    await page.mouse.wheel(0, 4000);
    await page.waitForTimeout(100);
  }
  await search.fill('');
  await expect(page.getByTestId('history-count')).toContainText('more below');
  await page.waitForTimeout(300);

  const all = await page.evaluate(() => window.__ferryLongTasks ?? []);
  const longTasks = all.filter((task) => task.phase !== 'startup');
  return {
    longTasks,
    maxMs: longTasks.reduce((max, task) => Math.max(max, task.durationMs), 0),
    startupLongTasks: all.filter((task) => task.phase === 'startup'),
    entriesLoaded: loaded,
    scrollSteps: steps,
    searches,
  };
}
