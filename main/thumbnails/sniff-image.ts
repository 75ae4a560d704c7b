import { open } from 'node:fs/promises';
import { extname } from 'node:path';

/** Formats Ferry makes thumbnails of (HEIC only where the sharp build has a HEVC decoder). */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'avif' | 'heic' | 'svg';

export type SniffResult =
  | { kind: 'image'; format: ImageFormat }
  /** An image format Ferry recognises but does not make thumbnails of, named for the message. */
  | { kind: 'unsupported-image'; name: string }
  | { kind: 'unknown' };

/** Enough to hold an SVG's XML declaration, doctype and comments before its <svg> tag. */
const sniffBytes = 4096;

const formatByExtension: Readonly<Record<string, ImageFormat>> = {
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.jpe': 'jpeg',
  '.jfif': 'jpeg',
  '.png': 'png',
  '.gif': 'gif',
  '.webp': 'webp',
  '.tif': 'tiff',
  '.tiff': 'tiff',
  '.avif': 'avif',
  '.heic': 'heic',
  '.heif': 'heic',
  '.svg': 'svg',
};

/** What a file's name claims it is; undefined for names that claim no image format. */
export function formatClaimedByName(path: string): ImageFormat | undefined {
  return formatByExtension[extname(path).toLowerCase()];
}

export interface SniffedFile {
  size: number;
  directory: boolean;
  /** Undefined for a directory or an empty file. */
  sniffed: SniffResult | undefined;
}

/**
 * The real format from the first bytes (magic numbers), before libvips sees the file: cheap, and it
 * lets a lying extension, a non-image and a known-but-unsupported image each get their own reason.
 * One open for the size and the bytes: each file-system call queues for a libuv thread.
 */
export async function sniffFile(path: string): Promise<SniffedFile> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (info.isDirectory() || info.size === 0)
      return { size: info.size, directory: info.isDirectory(), sniffed: undefined };
    const buffer = Buffer.allocUnsafe(sniffBytes); // only the bytes read are looked at
    const { bytesRead } = await handle.read(buffer, 0, sniffBytes, 0);
    return { size: info.size, directory: false, sniffed: sniffBytesOf(buffer.subarray(0, bytesRead)) };
  } finally {
    await handle.close();
  }
}

/** What sniffFile says, for a file already read whole (the engine reads a small file once for all its steps). */
export function sniffContents(contents: Buffer): SniffedFile {
  const sniffed = contents.length === 0 ? undefined : sniffBytesOf(contents.subarray(0, sniffBytes));
  return { size: contents.length, directory: false, sniffed };
}

export function sniffBytesOf(head: Buffer): SniffResult {
  const ascii = (start: number, end: number) => head.toString('latin1', start, end);
  const startsWith = (...bytes: number[]) => bytes.every((byte, index) => head[index] === byte);
  const image = (format: ImageFormat): SniffResult => ({ kind: 'image', format });
  const unsupported = (name: string): SniffResult => ({ kind: 'unsupported-image', name });

  if (startsWith(0xff, 0xd8, 0xff)) return image('jpeg');
  if (startsWith(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return image('png');
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return image('gif');
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return image('webp');
  // Classic TIFF (42) and BigTIFF (43), either byte order.
  if (['II*\0', 'MM\0*', 'II+\0', 'MM\0+'].includes(ascii(0, 4))) return image('tiff');
  if (ascii(4, 8) === 'ftyp') return sniffIsoMedia(head);
  if (startsWith(0xff, 0x0a) || ascii(4, 12) === 'JXL \r\n\x87\n') return unsupported('JPEG XL');
  if (ascii(4, 12) === 'jP  \r\n\x87\n' || startsWith(0xff, 0x4f, 0xff, 0x51))
    return unsupported('JPEG 2000');
  if (ascii(0, 2) === 'BM') return unsupported('BMP');
  if (startsWith(0, 0, 1, 0) || startsWith(0, 0, 2, 0)) return unsupported('ICO/CUR');
  if (ascii(0, 4) === '8BPS') return unsupported('Photoshop (PSD)');
  if (looksLikeSvg(head)) return image('svg');
  return { kind: 'unknown' };
}

/** HEIF family (ISO BMFF): the brands in the ftyp box say AVIF (AV1) or HEIC (HEVC); MP4 is not an image. */
function sniffIsoMedia(head: Buffer): SniffResult {
  const boxSize = head.readUInt32BE(0);
  const brands: string[] = [];
  for (let offset = 8; offset + 4 <= Math.min(boxSize, head.length); offset += 4) {
    if (offset === 12) continue; // minor version, not a brand
    brands.push(head.toString('latin1', offset, offset + 4));
  }
  if (brands.some((brand) => brand === 'avif' || brand === 'avis')) return { kind: 'image', format: 'avif' };
  const hevcBrands = ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs', 'mif1', 'msf1'];
  if (brands.some((brand) => hevcBrands.includes(brand))) return { kind: 'image', format: 'heic' };
  return { kind: 'unknown' };
}

const unicodeSpaceLeads = new Set([0xc2, 0xe1, 0xe2, 0xe3, 0xef]);

function looksLikeSvg(head: Buffer): boolean {
  // Most files of a batch are not text that starts with a tag: say so from the first byte past the BOM
  // and ASCII white space, before decoding the whole head (a non-ASCII byte may still be Unicode space).
  let first = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (first < head.length && [0x20, 0x09, 0x0a, 0x0d, 0x0c, 0x0b].includes(head[first]!)) first++;
  if (first < head.length && head[first]! < 0x80 && head[first] !== 0x3c) return false;
  // Every other space `\s` knows starts with one of these UTF-8 lead bytes (U+00A0; U+1680; U+2000–U+205F;
  // U+3000; U+FEFF): any other byte is a character that is neither space nor `<`. Random bytes (most
  // files) end here rather than having 4 KiB decoded.
  if (first < head.length && head[first]! >= 0x80 && !unicodeSpaceLeads.has(head[first]!)) return false;
  // The root element must be <svg>: an HTML page with an inline <svg> is not an SVG image.
  const prolog = /^\s*(?:<\?xml[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>)/i;
  let text = head.toString('utf8').replace(/^\uFEFF/, '');
  for (let match = prolog.exec(text); match !== null; match = prolog.exec(text)) {
    text = text.slice(match[0].length);
  }
  return /^\s*<svg[\s>]/i.test(text);
}
