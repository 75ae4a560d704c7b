import { expect, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { dropFiles, openView, pngFile } from './ui-helpers.ts';

export interface HistoryThumbnailsResult {
  /** What the flow uploaded, for later flows to reuse. */
  imageNames: string[];
  otherName: string;
}

/**
 * Upload two PNGs and a text file; the history shows both images' thumbnails (the <img> really loads:
 * naturalWidth > 0, after history.updated brought the thumbnail key), a file-type icon for the text
 * file, and searching a name finds exactly that file, in the grid and in the list.
 */
export async function historyShowsThumbnailsAndSearchFinds(
  page: Page,
  url: string,
): Promise<HistoryThumbnailsResult> {
  const tag = randomBytes(3).toString('hex');
  const images = [
    await pngFile(`harbour-${tag}.png`, 640, 400, '#2f6fde'),
    await pngFile(`sunset-${tag}.png`, 300, 500, '#e0662f'),
  ];
  const other = { name: `notes-${tag}.txt`, type: 'text/plain', bytes: randomBytes(3000) };

  // Virtual rows are placed through CSSOM and thumbnails load by URL: neither may trip the strict CSP.
  await page.addInitScript(() => {
    const violations: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = violations;
    document.addEventListener('securitypolicyviolation', (event) =>
      violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  await page.goto(url);
  await openView(page, 'history');
  await dropFiles(page, [...images, other]);

  const entries = page.getByTestId('history-entry');
  for (const file of [...images, other]) {
    await expect(entries.filter({ hasText: file.name })).toHaveCount(1, { timeout: 30_000 });
  }

  await page.getByTestId('history-layout-grid').click();
  for (const image of images) {
    const thumbnail = entries.filter({ hasText: image.name }).getByTestId('history-thumbnail');
    await expect(thumbnail).toHaveCount(1, { timeout: 30_000 });
    await expect
      .poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), {
        timeout: 15_000,
      })
      .toBeGreaterThan(0);
  }
  const textEntry = entries.filter({ hasText: other.name });
  await expect(textEntry.getByTestId('history-thumbnail')).toHaveCount(0);
  await expect(textEntry.locator('.file-type-icon[data-type="other"]')).toBeVisible();

  // Search: only the file asked for, whichever layout shows it.
  const search = page.getByTestId('history-search');
  await search.fill(`sunset-${tag}`);
  await expect(entries).toHaveCount(1);
  await expect(entries.first()).toContainText(images[1]!.name);
  await page.getByTestId('history-layout-list').click();
  await expect(entries).toHaveCount(1);
  await expect(entries.first()).toContainText(images[1]!.name);
  await expect(entries.first().getByTestId('history-thumbnail')).toHaveCount(1);

  // A term matching nothing says so instead of showing an empty box.
  await search.fill(`no-such-file-${tag}`);
  await expect(entries).toHaveCount(0);
  await expect(page.locator('.history-empty')).toBeVisible();
  await search.fill('');
  await expect(entries.filter({ hasText: tag })).toHaveCount(3);

  await page.getByTestId('history-layout-grid').click();
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual(
    [],
  );
  return { imageNames: images.map((image) => image.name), otherName: other.name };
}
