import { randomBytes } from 'node:crypto';
import { expect, type Locator, type Page } from '@playwright/test';
import { dropFiles, openView, queueRow } from './page-helpers.ts';
import { clearClipboard, clipboardText } from './queue-copy.ts';
import { chooseSetting } from './ui-helpers.ts';

const modifier = process.platform === 'darwin' ? 'Meta' : 'Control';

/** Uploads `count` small text files named `<prefix>-<n>.txt` and waits until each is done. */
export async function uploadTextFiles(page: Page, prefix: string, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, index) => `${prefix}-${index}.txt`);
  await openView(page, 'queue');
  await dropFiles(
    page,
    names.map((name) => ({ name, type: 'text/plain', bytes: randomBytes(500) })),
  );
  for (const name of names)
    await expect(queueRow(page, name)).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  return names;
}

/** Searches, and waits until the list holds exactly the `expected` entries the search finds. */
async function searchFor(page: Page, term: string, expected: number): Promise<void> {
  await page.getByTestId('history-search').fill(term);
  const count = page.getByTestId('history-count');
  await expect(count).toHaveAttribute('data-search', term);
  await expect(count).toHaveText(`${expected} entries`, { timeout: 10_000 });
  await expect(entries(page).first()).toContainText(term);
}

function entries(page: Page): Locator {
  return page.getByTestId('history-entry');
}

async function selectedNames(page: Page): Promise<string[]> {
  return page.locator('[data-testid="history-entry"][aria-selected="true"] .history-name').allTextContents();
}

async function hrefOf(entry: Locator): Promise<string> {
  return (await entry.getByTestId('history-open').getAttribute('href')) ?? '';
}

/**
 * Multi-select with the mouse: a click selects one, Shift+click a range, Ctrl/Cmd+click adds or
 * removes one; the selection's Copy copies the links one per line in the order shown; Delete asks, then
 * removes the selected entries. The list must hold at least six entries, all of them `prefix` files.
 */
export async function historyMouseSelection(page: Page, prefix: string, expected: number): Promise<void> {
  await chooseSetting(page, 'linkFormat', 'url');
  await openView(page, 'history');
  await page.getByTestId('history-layout-list').click();
  await searchFor(page, prefix, expected);
  const list = entries(page);
  const names = await page.locator('[data-testid="history-entry"] .history-name').allTextContents();
  expect(names.length).toBeGreaterThanOrEqual(6);

  await list.nth(0).locator('.history-name').click();
  expect(await selectedNames(page)).toEqual([names[0]]);
  await list
    .nth(2)
    .locator('.history-meta')
    .click({ modifiers: ['Shift'] });
  expect(await selectedNames(page)).toEqual(names.slice(0, 3));
  await list
    .nth(4)
    .locator('.history-thumb')
    .click({ modifiers: [modifier] });
  await list
    .nth(1)
    .locator('.history-thumb')
    .click({ modifiers: [modifier] });
  expect(await selectedNames(page)).toEqual([names[0], names[2], names[4]]);
  const bar = page.getByTestId('history-selection');
  await expect(bar).toContainText('3 selected');

  // A button on an entry does its own thing and leaves the selection alone.
  await clearClipboard(page);
  await list.nth(3).getByTestId('copy-default').click();
  await expect.poll(() => clipboardText(page)).toBe(await hrefOf(list.nth(3)));
  expect(await selectedNames(page)).toEqual([names[0], names[2], names[4]]);

  await clearClipboard(page);
  await bar.getByTestId('selection-copy-default').click();
  const links = [await hrefOf(list.nth(0)), await hrefOf(list.nth(2)), await hrefOf(list.nth(4))];
  await expect.poll(() => clipboardText(page)).toBe(links.join('\n'));

  // Delete the selection: asked once for all three, then gone from the list.
  await bar.getByTestId('selection-delete').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('3 entries');
  await page.getByTestId('history-delete-confirm').click();
  await expect(bar).toHaveCount(0);
  await expect(page.locator('[data-testid="history-entry"] .history-name')).toHaveText(
    [names[1], names[3], ...names.slice(5)].map((name) => name!),
  );
}

/**
 * The keyboard: the whole grid is one Tab stop (roving tab index), the arrows move between entries
 * (by a row of tiles in the grid layout), Space selects, Shift+arrow extends, Ctrl/Cmd+A selects every
 * loaded entry, Escape clears; Enter reaches an entry's buttons, Tab cycles through them and Escape
 * goes back; Ctrl/Cmd+C copies the focused entry.
 */
export async function historyKeyboard(page: Page, prefix: string, expected: number): Promise<void> {
  await chooseSetting(page, 'linkFormat', 'url');
  await openView(page, 'history');
  await page.getByTestId('history-layout-list').click();
  await searchFor(page, prefix, expected);
  const list = entries(page);
  const count = await list.count();
  expect(count).toBeGreaterThanOrEqual(4);

  // One Tab stop: from the layout switch, Tab lands on the first entry, the next Tab leaves the grid.
  await page.getByTestId('history-layout-list').focus();
  await page.keyboard.press('Tab');
  await expect(list.nth(0)).toBeFocused();
  await expect(page.locator('[role="grid"] [tabindex="0"]')).toHaveCount(1);
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.closest('[role="grid"]') ?? null)).toBeNull();
  await page.getByTestId('history-layout-list').focus();
  await page.keyboard.press('Tab');
  await expect(list.nth(0)).toBeFocused();

  // The grid remembers where the keyboard was: out by Shift+Tab and back by Tab lands there again.
  await page.keyboard.press('ArrowDown');
  await expect(list.nth(1)).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByTestId('history-layout-list')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(list.nth(1)).toBeFocused();
  await page.keyboard.press('Space');
  await expect(list.nth(1)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+ArrowDown');
  await expect(list.nth(3)).toBeFocused();
  expect(await selectedNames(page)).toHaveLength(3);
  await page.keyboard.press(`${modifier}+KeyA`);
  await expect(page.locator('[role="gridcell"][aria-selected="true"]')).toHaveCount(count);
  await page.keyboard.press('Escape');
  await expect(page.locator('[role="gridcell"][aria-selected="true"]')).toHaveCount(0);

  await page.keyboard.press('Home');
  await expect(list.nth(0)).toBeFocused();
  await clearClipboard(page);
  await page.keyboard.press(`${modifier}+KeyC`);
  await expect.poll(() => clipboardText(page)).toBe(await hrefOf(list.nth(0)));

  // Enter opens the entry's buttons; Tab stays among them; Escape goes back to the entry.
  await page.keyboard.press('Enter');
  await expect(list.nth(0).getByTestId('copy-default')).toBeFocused();
  const controls = await list.nth(0).locator('button:not([role="menuitem"]), a[href]').count();
  for (let press = 0; press < controls; press++) await page.keyboard.press('Tab');
  await expect(list.nth(0).getByTestId('copy-default')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(list.nth(0)).toBeFocused();

  // Tiles: Right moves along the row, Down by a whole row.
  await page.getByTestId('history-layout-grid').click();
  const grid = page.locator('[role="grid"]');
  const columns = Number(await grid.getAttribute('data-cols'));
  expect(columns).toBeGreaterThan(1);
  await list.nth(0).click();
  await page.keyboard.press('ArrowRight');
  await expect(list.nth(1)).toBeFocused();
  if (count > columns + 1) {
    await page.keyboard.press('ArrowDown');
    await expect(list.nth(1 + columns)).toBeFocused();
  }
  await page.getByTestId('history-search').fill('');
}
