import { createHash } from 'node:crypto';
import { expect, type Locator, type Page } from '@playwright/test';

/** A real file's name, type and bytes, as a test hands it to the page. */
export interface FileSpec {
  name: string;
  type: string;
  bytes: Uint8Array;
}

export type ViewId = 'queue' | 'history' | 'accounts' | 'settings';

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Open a section by its button (found by data-view, so it works in every language). */
export async function openView(page: Page, view: ViewId): Promise<void> {
  const button = page.locator(`.app-nav [data-view="${view}"]`);
  await button.click();
  await expect(button).toHaveAttribute('aria-current', 'page');
}

/**
 * Drop files onto the window the way the OS does: dragenter, dragover, drop with a DataTransfer
 * holding File objects. Playwright cannot drag from the desktop, so the DataTransfer is built in the
 * page from the test's bytes (the same bytes the test later compares against the downloads).
 */
export async function dropFiles(page: Page, files: readonly FileSpec[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    (specs) => {
      const transfer = new DataTransfer();
      for (const spec of specs) {
        const bytes = Uint8Array.from(atob(spec.base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], spec.name, { type: spec.type }));
      }
      return transfer;
    },
    files.map((file) => ({
      name: file.name,
      type: file.type,
      base64: Buffer.from(file.bytes).toString('base64'),
    })),
  );
  const dropZone = page.getByTestId('drop-zone');
  await dropZone.dispatchEvent('dragenter', { dataTransfer });
  await dropZone.dispatchEvent('dragover', { dataTransfer });
  await dropZone.dispatchEvent('drop', { dataTransfer });
}

/** A task's row by file name (not the staging row that stands in for it while it is handed over). */
export function queueRow(page: Page, name: string): Locator {
  return page
    .locator('[data-testid="queue-row"]:not([data-local])')
    .filter({ has: page.locator('.file-name', { hasText: name }) });
}

/** The bytes behind a finished row's link, fetched outside the page (as anyone with the link would). */
export async function downloadLinkOf(row: Locator): Promise<Uint8Array> {
  const href = await row.getByTestId('queue-link').getAttribute('href');
  expect(href).toMatch(/^https?:\/\//);
  const response = await fetch(href!);
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}
