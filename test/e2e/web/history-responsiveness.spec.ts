import { expect, test } from '@playwright/test';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabase } from '../../../main/store/database.ts';
import { HistoryStore } from '../../../main/store/history-store.ts';
import { fillHistory, random } from '../../bench/history.ts';
import { tempDir } from '../../support/temp.ts';
import { historyStaysResponsive } from '../flows/history-responsiveness.ts';
import { startWebShellProcess, type RunningWebShell } from '../web-shell.ts';

const entries = 100_000;
/**
 * Whether to fail on a long task. On the team's 2-core machine, Chromium under Playwright shows
 * occasional 100–200 ms tasks (GC, style recalcs after a page of rows) that come and go between runs,
 * so by default the numbers are recorded, not asserted; FERRY_ASSERT_LONG_TASKS=1 asserts them.
 */
const assertLongTasks = process.env.FERRY_ASSERT_LONG_TASKS === '1';

let shell: RunningWebShell;
/** Given to the shell, not made by it: this file removes it. */
let dataDir: string | undefined;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = tempDir('ferry-e2e-100k-');
  // Filled before the shell starts, through the app's own store and migrations (the bench's filler).
  const db = openDatabase(join(dataDir, 'ferry.db'));
  fillHistory(new HistoryStore(db), entries, random(7));
  db.close();
  shell = await startWebShellProcess(dataDir);
});

test.afterAll(async () => {
  await shell?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test(`with ${entries.toLocaleString('en')} entries, scrolling far and searching the history stays responsive`, async ({
  page,
}) => {
  test.setTimeout(240_000);
  const result = await historyStaysResponsive(page, shell.url, {
    targetEntries: 20_000,
    searchTerms: ['截图', 'draft', 'IMG_2024-06'],
    // A budget, not a goal: on a loaded 2-core machine a wheel step takes ~190 ms (90 s reached 15,800 rows).
    maxScrollMs: 150_000,
  });
  const outDir = resolve(import.meta.dirname, '../../../test-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'responsiveness-history.json'),
    JSON.stringify({ entries, asserted: assertLongTasks, ...result }, null, 2),
  );
  expect(result.entriesLoaded).toBeGreaterThanOrEqual(20_000);
  if (assertLongTasks) expect(result.longTasks.filter((task) => task.durationMs > 100)).toEqual([]);
});
