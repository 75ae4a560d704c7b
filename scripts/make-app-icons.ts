/**
 * Generates Ferry's app icon set under build/ (what electron-builder packs): PNGs for Linux, a
 * PNG-compressed .ico for Windows and an .icns for macOS, all from one SVG drawn here. Run it again
 * after changing the drawing: `node scripts/make-app-icons.ts`; the outputs are committed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadSharp } from '../main/thumbnails/sharp-loader.ts';

const buildDir = resolve(import.meta.dirname, '..', 'build');

// A ferry's bow wave under an upward arrow: "carry files across". Flat shapes so it reads at 16 px.
const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024">
  <defs><linearGradient id="sea" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="#2f7de1"/><stop offset="1" stop-color="#1447a8"/></linearGradient></defs>
  <rect x="64" y="64" width="896" height="896" rx="200" fill="url(#sea)"/>
  <path d="M512 196 L744 452 H604 V640 H420 V452 H280 Z" fill="#ffffff"/>
  <path d="M212 780 Q362 700 512 780 T812 780" stroke="#9fd3ff" stroke-width="64" stroke-linecap="round" fill="none"/>
</svg>`;

async function png(size: number): Promise<Buffer> {
  const { sharp } = await loadSharp();
  return sharp(Buffer.from(svg), { density: 72 * (size / 1024) * 4 })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** An .ico whose entries are PNG streams (valid since Windows Vista; required for the 256 px entry). */
export function buildIco(images: ReadonlyArray<{ size: number; png: Buffer }>): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  const entries: Buffer[] = [];
  let offset = 6 + 16 * images.length;
  for (const image of images) {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(image.size >= 256 ? 0 : image.size, 0); // 0 means 256
    entry.writeUInt8(image.size >= 256 ? 0 : image.size, 1);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(image.png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += image.png.length;
    entries.push(entry);
  }
  return Buffer.concat([header, ...entries, ...images.map((image) => image.png)]);
}

/** An .icns with PNG-encoded elements (ic07 128, ic08 256, ic09 512, ic10 1024 = 512@2x). */
export function buildIcns(images: ReadonlyArray<{ type: string; png: Buffer }>): Buffer {
  const chunks = images.map((image) => {
    const head = Buffer.alloc(8);
    head.write(image.type, 0, 'ascii');
    head.writeUInt32BE(image.png.length + 8, 4);
    return Buffer.concat([head, image.png]);
  });
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

async function main(): Promise<void> {
  const sizes = [16, 32, 48, 64, 128, 256, 512, 1024];
  const pngs = new Map<number, Buffer>();
  for (const size of sizes) pngs.set(size, await png(size));
  const at = (size: number): Buffer => pngs.get(size)!;

  await mkdir(join(buildDir, 'icons'), { recursive: true });
  await writeFile(join(buildDir, 'icon.png'), at(1024));
  // Linux: electron-builder reads a folder of <size>x<size>.png into the hicolor theme.
  for (const size of [16, 32, 48, 64, 128, 256, 512])
    await writeFile(join(buildDir, 'icons', `${size}x${size}.png`), at(size));
  await writeFile(
    join(buildDir, 'icon.ico'),
    buildIco([16, 32, 48, 64, 256].map((size) => ({ size, png: at(size) }))),
  );
  await writeFile(
    join(buildDir, 'icon.icns'),
    buildIcns([
      { type: 'ic07', png: at(128) },
      { type: 'ic08', png: at(256) },
      { type: 'ic09', png: at(512) },
      { type: 'ic10', png: at(1024) },
    ]),
  );
}

if (import.meta.main) await main();
