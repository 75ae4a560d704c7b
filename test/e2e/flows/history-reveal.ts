import { randomBytes } from 'node:crypto';
import { expect, type Page } from '@playwright/test';
import type { FerryEvent } from '../../../shared/contract.ts';
import { expectNoSeriousViolations } from './accessibility.ts';
import { dropFiles, openView } from './page-helpers.ts';

/**
 * Uploads `count` small text files named `<prefix>-<n>.txt` (oldest first) and waits until the history,
 * in its list layout, holds all of them.
 */
export async function uploadForHistory(page: Page, prefix: string, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, index) => `${prefix}-${index}.txt`);
  await openView(page, 'queue');
  await dropFiles(
    page,
    names.map((name) => ({ name, type: 'text/plain', bytes: randomBytes(300) })),
  );
  await openView(page, 'history');
  await page.getByTestId('history-layout-list').click();
  await expect(page.getByTestId('history-count')).toHaveText(`${count} entries`, { timeout: 60_000 });
  return names;
}

/** The history entry of a file, found by searching its name; the search is cleared again. */
async function entryIdOf(page: Page, name: string): Promise<string> {
  await openView(page, 'history');
  await page.getByTestId('history-search').fill(name);
  const entry = page.getByTestId('history-entry').filter({ hasText: name });
  await expect(entry).toHaveCount(1, { timeout: 10_000 });
  const id = await entry.getAttribute('data-entry-id');
  await page.getByTestId('history-search').fill('');
  return id!;
}

function focusedEntryId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-entry-id') ?? null);
}

/**
 * A click on the desktop app's "uploaded" notification (`app.navigate` with the entry) opens the
 * history on that entry: scrolled into view, focused and selected, from another view and from a
 * history whose search hides it (the search is cleared). `oldest` must be below the fold.
 */
export async function historyRevealFlow(
  page: Page,
  emit: (event: FerryEvent) => void,
  oldest: string,
  newest: string,
  shot: (name: string) => Promise<unknown> = async () => undefined,
): Promise<void> {
  const id = await entryIdOf(page, oldest);
  const target = page.locator(`[data-testid="history-entry"][data-entry-id="${id}"]`);
  await expect(target).not.toBeInViewport();

  await openView(page, 'queue');
  emit({ name: 'app.navigate', payload: { view: 'history', entryId: id } });
  await expect(page.locator('.app-nav [data-view="history"]')).toHaveAttribute('aria-current', 'page');
  await expect(target).toBeFocused();
  await expect(target).toBeInViewport();
  await expect(target).toHaveAttribute('aria-selected', 'true');
  await expect(target).toHaveAttribute('tabindex', '0');
  await expect(page.getByTestId('history-selection')).toContainText('1 selected');
  await shot('history-revealed');
  await expectNoSeriousViolations(page, 'history with a revealed entry');

  // Already in the history, searching for something else: the search gives way.
  await page.getByTestId('history-search').fill(newest);
  await expect(page.getByTestId('history-count')).toHaveAttribute('data-search', newest);
  await expect(target).toHaveCount(0);
  emit({ name: 'app.navigate', payload: { view: 'history', entryId: id } });
  await expect(page.getByTestId('history-search')).toHaveValue('');
  await expect(target).toBeFocused({ timeout: 10_000 });
  await expect(target).toHaveAttribute('aria-selected', 'true');
  expect(await focusedEntryId(page)).toBe(id);
  // The keyboard goes on from there: the grid's arrows move from the revealed entry.
  await page.keyboard.press('ArrowUp');
  expect(await focusedEntryId(page)).not.toBe(id);
}
