// Draws the tray icons beside this script: `node resources/tray/make-tray-icons.ts` (Node 24).
// The PNGs are committed, so the build needs no image tooling; rerun this after changing the drawing.
// nativeImage.createFromPath('tray.png') picks tray@2x.png on high-DPI screens by itself.
import { join } from 'node:path';
import { loadSharp } from '../../main/thumbnails/sharp-loader.ts';

/** A 32-unit drawing: a rounded tile with an arrow rising out of a tray; "uploading" adds a dot. */
function svg(uploading: boolean): string {
  const dot = uploading
    ? '<circle cx="25" cy="7" r="6.5" fill="#ffffff"/><circle cx="25" cy="7" r="4.5" fill="#f2994a"/>'
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
  <rect x="1" y="1" width="30" height="30" rx="7" fill="#2f6fde"/>
  <path d="M16 6 L23 13.5 H18.5 V20 H13.5 V13.5 H9 Z" fill="#ffffff"/>
  <path d="M7 19 V25 H25 V19" fill="none" stroke="#ffffff" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/>
  ${dot}
</svg>`;
}

const dir = import.meta.dirname;
const { sharp } = await loadSharp();
for (const uploading of [false, true]) {
  const base = uploading ? 'tray-uploading' : 'tray';
  for (const [suffix, size] of [
    ['', 16],
    ['@2x', 32],
  ] as const) {
    await sharp(Buffer.from(svg(uploading)), { density: 72 * (size / 32) * 4 })
      .resize(size, size)
      .png()
      .toFile(join(dir, `${base}${suffix}.png`));
  }
}
