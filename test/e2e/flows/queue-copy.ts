import { randomBytes } from 'node:crypto';
import { expect, type Page } from '@playwright/test';
import { dropFiles, openView, queueRow, type FileSpec } from './page-helpers.ts';
import { chooseSetting } from './ui-helpers.ts';

/** What the page wrote to the system clipboard (the context must grant clipboard-read/write). */
export async function clipboardText(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText());
}

export async function clearClipboard(page: Page): Promise<void> {
  await page.evaluate(() => navigator.clipboard.writeText(''));
}

/** The file names in Markdown links, one per line: `[name](url)` or `![name](url)`. */
export function markdownNames(text: string): string[] {
  return text.split('\n').map((line) => /^!?\[([^\]]*)\]\(/.exec(line)?.[1]?.replace(/\\(.)/g, '$1') ?? line);
}

const textFile = (name: string, size: number): FileSpec => ({
  name,
  type: 'text/plain',
  bytes: randomBytes(size),
});

/**
 * With Markdown as the default format, a finished queue row's "Copy" copies Markdown (not the bare
 * link), and its "Copy as…" menu works from the keyboard alone (WAI-ARIA menu button: ArrowDown opens it
 * on the first item, the arrows move, Escape gives the focus back, Enter copies).
 */
export async function queueCopyUsesDefaultFormat(page: Page): Promise<void> {
  await chooseSetting(page, 'linkFormat', 'markdown');
  await openView(page, 'queue');
  await dropFiles(page, [textFile('default-format.txt', 2_000)]);
  const row = queueRow(page, 'default-format.txt');
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  const href = await row.getByTestId('queue-link').getAttribute('href');

  await clearClipboard(page);
  await row.getByTestId('copy-default').click();
  await expect.poll(() => clipboardText(page)).toBe(`[default-format.txt](${href})`);

  const menuButton = row.getByTestId('copy-menu-button');
  const menu = row.getByRole('menu');
  await menuButton.focus();
  await page.keyboard.press('ArrowDown');
  await expect(menu).toBeVisible();
  await expect(menu.getByRole('menuitem').first()).toBeFocused();
  await expect(menu.getByRole('menuitem').first()).toHaveAttribute('data-format', 'url');
  await page.keyboard.press('ArrowUp');
  await expect(menu.getByRole('menuitem').last()).toBeFocused();
  await page.keyboard.press('Home');
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(menuButton).toBeFocused();

  await page.keyboard.press('Enter');
  await expect(menu.getByRole('menuitem').first()).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(menu).toBeHidden();
  await expect.poll(() => clipboardText(page)).toBe(href);
}

/**
 * Thirty files dropped while three are done: the totals count the files still being handed over (the
 * total never falls back to "3 of 3"), the newest batch is shown first with its files in drop order,
 * and "Copy all" copies a batch, or every finished row, one per line in input order.
 */
export async function queueBatchesAndCopyAll(page: Page): Promise<void> {
  await chooseSetting(page, 'linkFormat', 'markdown');
  await openView(page, 'queue');
  const first = ['one.txt', 'two.txt', 'three.txt'].map((name) => textFile(name, 1_000));
  await dropFiles(page, first);
  const totals = page.getByTestId('queue-totals');
  await expect(totals).toHaveAttribute('data-done', '3', { timeout: 30_000 });

  // Every state the totals pass through, from the second drop on.
  await totals.evaluate((element) => {
    const seen: string[][] = [];
    (window as unknown as { totalsSeen: string[][] }).totalsSeen = seen;
    new MutationObserver(() =>
      seen.push(['total', 'done', 'handing-over'].map((name) => element.getAttribute(`data-${name}`) ?? '')),
    ).observe(element, { attributes: true });
  });
  const second = Array.from({ length: 30 }, (_, index) =>
    textFile(`batch-${String(index).padStart(2, '0')}.txt`, 20_000),
  );
  await dropFiles(page, second);
  await expect(totals).toHaveAttribute('data-done', '33', { timeout: 60_000 });
  const seen = await page.evaluate(() => (window as unknown as { totalsSeen: string[][] }).totalsSeen);
  expect(seen.length).toBeGreaterThan(0);
  for (const [total] of seen) expect(Number(total)).toBe(33);
  expect(seen.some(([, , handingOver]) => Number(handingOver) > 0)).toBe(true);

  // Newest first: the thirty come before the three, in the order they were dropped.
  const batches = page.getByTestId('queue-batch');
  await expect(batches.first()).toHaveAttribute('data-total', '30');
  const shownNames = await page
    .locator('[data-testid="queue-row"] .file-name')
    .evaluateAll((names) => names.slice(0, 5).map((name) => name.textContent));
  expect(shownNames).toEqual(second.slice(0, 5).map((file) => file.name));

  await clearClipboard(page);
  await batches.first().getByTestId('batch-copy-default').click();
  await expect
    .poll(async () => markdownNames(await clipboardText(page)))
    .toEqual(second.map((file) => file.name));

  await clearClipboard(page);
  await totals.getByTestId('totals-copy-default').click();
  await expect
    .poll(async () => markdownNames(await clipboardText(page)))
    .toEqual([...first, ...second].map((file) => file.name));

  // The other formats apply to all of them: the link, one per line.
  await totals.getByTestId('totals-copy-menu-button').click();
  await totals.getByRole('menu').locator('[data-format="url"]').click();
  const links = (await clipboardText(page)).split('\n');
  expect(links).toHaveLength(33);
  for (const link of links) expect(link).toMatch(/^https?:\/\/\S+$/);
}

/**
 * A drop while the user has scrolled down the queue brings the new batch (at the top of the list)
 * back into view.
 */
export async function newBatchComesIntoView(page: Page): Promise<void> {
  await openView(page, 'queue');
  const scroller = page.locator('.app-main');
  await scroller.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
  await expect.poll(() => scroller.evaluate((element) => element.scrollTop)).toBeGreaterThan(500);
  await dropFiles(page, [textFile('latest.txt', 1_000)]);
  const header = page.getByTestId('queue-batch').first();
  await expect(header).toHaveAttribute('data-total', '1');
  await expect(header).toBeInViewport();
  await expect(queueRow(page, 'latest.txt')).toBeInViewport();
}
