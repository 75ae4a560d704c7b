import { randomBytes, createHash } from 'node:crypto';
import { test, expect } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebShellProcess, type RunningWebShell } from './web-shell.ts';

let shell: RunningWebShell;

test.beforeAll(async () => {
  shell = await startWebShellProcess(mkdtempSync(join(tmpdir(), 'ferry-e2e-')));
});

test.afterAll(async () => {
  await shell?.stop();
});

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

test('dropping two files onto the window uploads both and the history links return the same bytes', async ({
  page,
}, testInfo) => {
  const files = [
    { name: 'notes.txt', type: 'text/plain', bytes: randomBytes(200_000) },
    // Bigger than one 1 MiB slice, so the upload takes several requests.
    { name: 'photo.png', type: 'image/png', bytes: randomBytes(2_500_000) },
  ];

  await page.goto(shell.url);
  await expect(page.getByRole('heading', { name: 'Ferry' })).toBeVisible();
  await expect(page.getByLabel('Account')).toHaveValue('sandbox');

  const dataTransfer = await page.evaluateHandle(
    (specs) => {
      const transfer = new DataTransfer();
      for (const spec of specs) {
        const bytes = Uint8Array.from(atob(spec.base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], spec.name, { type: spec.type }));
      }
      return transfer;
    },
    files.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString('base64') })),
  );
  const dropZone = page.getByTestId('drop-zone');
  await dropZone.dispatchEvent('dragenter', { dataTransfer });
  await dropZone.dispatchEvent('dragover', { dataTransfer });
  await dropZone.dispatchEvent('drop', { dataTransfer });

  const historyRows = page.getByTestId('history-row');
  await expect(historyRows).toHaveCount(2, { timeout: 30_000 });
  await expect(page.locator('[data-testid="queue-row"][data-state="failed"]')).toHaveCount(0);

  for (const file of files) {
    const row = historyRows.filter({ hasText: file.name });
    await expect(row).toHaveCount(1);
    const href = await row.getByTestId('history-link').getAttribute('href');
    expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/download\//);
    const response = await fetch(href!);
    expect(response.status).toBe(200);
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(file.bytes));
  }

  await page.screenshot({ path: testInfo.outputPath('history-after-drop.png'), fullPage: true });
});

test('a dropped folder gets its own error row while the file dropped with it uploads (webkitGetAsEntry stubbed: a synthetic DataTransfer cannot carry a real folder)', async ({
  page,
}, testInfo) => {
  const file = { name: 'report.txt', bytes: randomBytes(5_000) };
  await page.goto(shell.url);
  await expect(page.getByLabel('Account')).toHaveValue('sandbox');

  const dataTransfer = await page.evaluateHandle(
    (spec) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(spec.base64), (c) => c.charCodeAt(0))], spec.name));
      transfer.items.add(new File([], 'holiday-photos'));
      // What Chromium reports for a real folder dragged from the desktop. Items are fresh wrappers on
      // every access, so the stub goes on the prototype, for this one name only.
      const real = DataTransferItem.prototype.webkitGetAsEntry;
      DataTransferItem.prototype.webkitGetAsEntry = function (this: DataTransferItem) {
        if (this.getAsFile()?.name === 'holiday-photos') {
          return { isDirectory: true, isFile: false, name: 'holiday-photos' } as FileSystemEntry;
        }
        return real.call(this);
      };
      return transfer;
    },
    { name: file.name, base64: file.bytes.toString('base64') },
  );
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });

  const failed = page.locator('[data-testid="queue-row"][data-state="failed"]');
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText('holiday-photos');
  await expect(failed).toContainText('Folders are not supported yet');

  const row = page.getByTestId('history-row').filter({ hasText: file.name });
  await expect(row).toHaveCount(1, { timeout: 30_000 });
  const href = await row.getByTestId('history-link').getAttribute('href');
  expect(sha256(new Uint8Array(await (await fetch(href!)).arrayBuffer()))).toBe(sha256(file.bytes));

  await page.screenshot({ path: testInfo.outputPath('folder-error-row.png'), fullPage: true });
});
