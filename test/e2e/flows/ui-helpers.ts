import type { Page } from '@playwright/test';
import sharp from 'sharp';

/** A file to drop onto the window: name, MIME type and bytes. */
export interface DropFile {
  name: string;
  type: string;
  bytes: Buffer;
}

/** A real PNG (so the thumbnailer has something to decode), coloured and sized per call. */
export async function pngFile(
  name: string,
  width: number,
  height: number,
  colour: string,
): Promise<DropFile> {
  const bytes = await sharp({ create: { width, height, channels: 3, background: colour } })
    .composite([
      {
        input: await sharp({
          create: {
            width: Math.ceil(width / 3),
            height: Math.ceil(height / 3),
            channels: 3,
            background: '#ffffff',
          },
        })
          .png()
          .toBuffer(),
        left: Math.floor(width / 3),
        top: Math.floor(height / 3),
      },
    ])
    .png()
    .toBuffer();
  return { name, type: 'image/png', bytes };
}

/** Opens a section through the app's navigation (R1's nav buttons carry the view id). */
export async function openView(
  page: Page,
  view: 'queue' | 'history' | 'accounts' | 'settings',
): Promise<void> {
  await page.locator(`nav button[data-view="${view}"]`).click();
}

/** Drops files on the window the way a file manager does (a synthetic DataTransfer carries real File objects). */
export async function dropFiles(page: Page, files: readonly DropFile[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    (specs) => {
      const transfer = new DataTransfer();
      for (const spec of specs) {
        const bytes = Uint8Array.from(atob(spec.base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], spec.name, { type: spec.type }));
      }
      return transfer;
    },
    files.map((file) => ({ name: file.name, type: file.type, base64: file.bytes.toString('base64') })),
  );
  const zone = page.getByTestId('drop-zone');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

/**
 * Changes a setting through R1's settings view. Selects are found by an option only they have, so the
 * flow does not depend on label wording (which changes with the language it may be switching).
 */
export async function chooseSetting(
  page: Page,
  setting: 'language' | 'theme' | 'linkFormat',
  value: string,
): Promise<void> {
  const marker = { language: 'zh-CN', theme: 'dark', linkFormat: 'markdown' }[setting];
  await openView(page, 'settings');
  const select = page.locator(`select:has(option[value="${marker}"])`);
  await select.selectOption(value);
}
