import { expect, type Page } from '@playwright/test';
import { openView } from './page-helpers.ts';

/**
 * The history's grid tiles draw their action icons as SVG (no character a font may lack), and
 * "Copied" takes no more room than "Copy": the copy button keeps its width and the Delete button stays
 * inside the tile. Needs the clipboard permissions and an entry named `name`.
 */
export async function tileIconsAndStableCopyLabel(page: Page, name: string): Promise<void> {
  await openView(page, 'history');
  await page.getByTestId('history-layout-grid').click();
  const tile = page.getByTestId('history-entry').filter({ hasText: name });
  await expect(tile).toHaveCount(1, { timeout: 30_000 });

  for (const testId of ['history-open', 'history-details', 'history-delete', 'copy-menu-button']) {
    const control = tile.getByTestId(testId);
    await expect(control.locator('svg')).toHaveCount(1);
    // No glyph stands in for an icon: the only text left is visually hidden or a word.
    expect(await control.innerText()).not.toMatch(/[ⓘ↗✕▾✓]/u);
  }

  const copy = tile.getByTestId('copy-default');
  const before = (await copy.boundingBox())!;
  await copy.click();
  await expect(copy).toHaveClass(/is-copied/);
  const after = (await copy.boundingBox())!;
  expect(after.width).toBe(before.width);
  const tileBox = (await tile.boundingBox())!;
  const deleteBox = (await tile.getByTestId('history-delete').boundingBox())!;
  expect(deleteBox.x + deleteBox.width).toBeLessThanOrEqual(tileBox.x + tileBox.width);
}
