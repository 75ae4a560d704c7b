import { randomBytes } from 'node:crypto';
import { expect, type Page } from '@playwright/test';
import { downloadLinkOf, dropFiles, openView, queueRow, sha256, type FileSpec } from './page-helpers.ts';

/** Two files dropped onto the window both upload, and their links return the same bytes. */
export async function dropTwoFilesFlow(page: Page): Promise<FileSpec[]> {
  const files: FileSpec[] = [
    { name: 'notes.txt', type: 'text/plain', bytes: randomBytes(200_000) },
    // Bigger than one 1 MiB slice, so the upload takes several requests.
    { name: 'photo.png', type: 'image/png', bytes: randomBytes(2_500_000) },
  ];
  await openView(page, 'queue');
  await dropFiles(page, files);
  for (const file of files) {
    const row = queueRow(page, file.name);
    await expect(row).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    expect(sha256(await downloadLinkOf(row))).toBe(sha256(file.bytes));
  }
  await expect(page.locator('[data-testid="queue-row"][data-state="failed"]')).toHaveCount(0);
  return files;
}

/**
 * A dropped folder is walked (FileSystemDirectoryEntry, sub-folders too), its file count confirmed
 * ("3 files in folder …"), then every file uploads. A synthetic DataTransfer cannot carry a real
 * folder, so webkitGetAsEntry is stubbed for that one item with entries over real File objects.
 */
export async function dropFolderFlow(page: Page, whilePrompted?: () => Promise<void>): Promise<void> {
  const files = [
    { path: 'holiday-photos/a.txt', bytes: randomBytes(3_000) },
    { path: 'holiday-photos/b.txt', bytes: randomBytes(4_000) },
    { path: 'holiday-photos/day 2/c.txt', bytes: randomBytes(5_000) },
  ];
  await openView(page, 'queue');
  const dataTransfer = await page.evaluateHandle(
    (specs) => {
      type Node = { files: File[]; folders: Map<string, Node> };
      const root: Node = { files: [], folders: new Map() };
      for (const spec of specs) {
        const parts = spec.path.split('/').slice(1);
        let node = root;
        for (const folder of parts.slice(0, -1)) {
          if (!node.folders.has(folder)) node.folders.set(folder, { files: [], folders: new Map() });
          node = node.folders.get(folder)!;
        }
        node.files.push(
          new File([Uint8Array.from(atob(spec.base64), (c) => c.charCodeAt(0))], parts.at(-1)!),
        );
      }
      const directory = (name: string, node: Node): FileSystemDirectoryEntry => {
        const entries: FileSystemEntry[] = [
          ...node.files.map(
            (file) =>
              ({
                isFile: true,
                isDirectory: false,
                name: file.name,
                file: (done: (file: File) => void) => done(file),
              }) as unknown as FileSystemEntry,
          ),
          ...[...node.folders].map(([child, sub]) => directory(child, sub)),
        ];
        return {
          isFile: false,
          isDirectory: true,
          name,
          createReader: () => {
            // Like Chromium: batches until an empty one (here: one batch, then empty).
            let given = false;
            return {
              readEntries: (done: (entries: FileSystemEntry[]) => void) => {
                done(given ? [] : entries);
                given = true;
              },
            };
          },
        } as unknown as FileSystemDirectoryEntry;
      };
      const folderEntry = directory('holiday-photos', root);
      const transfer = new DataTransfer();
      transfer.items.add(new File([], 'holiday-photos'));
      // Items are fresh wrappers on every access, so the stub goes on the prototype, for this one name.
      const real = DataTransferItem.prototype.webkitGetAsEntry;
      DataTransferItem.prototype.webkitGetAsEntry = function (this: DataTransferItem) {
        if (this.getAsFile()?.name === 'holiday-photos') return folderEntry;
        return real.call(this);
      };
      return transfer;
    },
    files.map((file) => ({ path: file.path, base64: file.bytes.toString('base64') })),
  );
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });

  const prompt = page.getByTestId('folder-prompt');
  await expect(prompt).toContainText('3 files in folder “holiday-photos” — upload?');
  await whilePrompted?.();
  await prompt.getByRole('button', { name: 'Upload' }).click();
  await expect(prompt).toHaveCount(0);
  for (const file of files) {
    const name = file.path.split('/').at(-1)!;
    const row = queueRow(page, name);
    await expect(row).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    expect(sha256(await downloadLinkOf(row))).toBe(sha256(file.bytes));
  }
}

/**
 * An image pasted anywhere in the window (a screenshot on the clipboard) becomes a file — staged by
 * the web shell's PUT, or by `uploads.stage` in Electron — named for when it was pasted, and uploads.
 */
export async function pasteImageFlow(page: Page, image: Uint8Array): Promise<void> {
  await openView(page, 'queue');
  await page.evaluate((base64) => {
    const transfer = new DataTransfer();
    // What Chromium puts on the clipboard for a copied screenshot: one PNG File called image.png.
    transfer.items.add(
      new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'image.png', { type: 'image/png' }),
    );
    document.body.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }),
    );
  }, Buffer.from(image).toString('base64'));
  const row = page.locator('[data-testid="queue-row"]:not([data-local])').filter({
    has: page.locator('.file-name', { hasText: /^Pasted image \d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d\.png$/ }),
  });
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  expect(sha256(await downloadLinkOf(row))).toBe(sha256(image));
}

/** The keyboard path: "Choose files…" opens the system picker; the picked files upload. */
export async function pickFilesFlow(page: Page, files: readonly FileSpec[]): Promise<void> {
  await openView(page, 'queue');
  const chooser = page.waitForEvent('filechooser');
  await page.locator('.drop-panel .button.primary').click();
  await (
    await chooser
  ).setFiles(
    files.map((file) => ({ name: file.name, mimeType: file.type, buffer: Buffer.from(file.bytes) })),
  );
  for (const file of files) {
    const row = queueRow(page, file.name);
    await expect(row).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    expect(sha256(await downloadLinkOf(row))).toBe(sha256(file.bytes));
  }
}
