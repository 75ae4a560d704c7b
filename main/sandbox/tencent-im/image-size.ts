import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

export interface ImageSize {
  width: number;
  height: number;
}

const unknownSize: ImageSize = { width: 0, height: 0 };

/** JPEG files with huge metadata blocks are given up on rather than scanned to the end. */
const maxJpegSegments = 512;

/**
 * Width and height from a PNG, GIF or JPEG header, read from disk a few bytes at a time (never the
 * whole file). Anything else, or a header that does not parse, is 0 × 0: the emulator reports sizes
 * only as a convenience, the way the real server fills `PIC_Width` / `PIC_Height`.
 */
export async function readImageSize(path: string): Promise<ImageSize> {
  const handle = await open(path, 'r');
  try {
    const head = await readAt(handle, 0, 26);
    return pngSize(head) ?? gifSize(head) ?? (isJpeg(head) ? await jpegSize(handle) : unknownSize);
  } finally {
    await handle.close();
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

function pngSize(head: Buffer): ImageSize | undefined {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (head.length < 24 || !head.subarray(0, 8).equals(signature)) return undefined;
  if (head.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

function gifSize(head: Buffer): ImageSize | undefined {
  const magic = head.toString('latin1', 0, 6);
  if (head.length < 10 || (magic !== 'GIF87a' && magic !== 'GIF89a')) return undefined;
  return { width: head.readUInt16LE(6), height: head.readUInt16LE(8) };
}

function isJpeg(head: Buffer): boolean {
  return head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
}

/** Walk the marker segments up to the first start-of-frame, which carries the dimensions. */
async function jpegSize(handle: FileHandle): Promise<ImageSize> {
  let position = 2;
  for (let segment = 0; segment < maxJpegSegments; segment++) {
    const header = await readAt(handle, position, 9);
    if (header.length < 4 || header[0] !== 0xff) return unknownSize;
    const marker = header[1]!;
    if (marker === 0xff) {
      // Fill byte before a marker.
      position += 1;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return unknownSize; // end of image / start of scan
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      position += 2; // standalone markers carry no length
      continue;
    }
    const isStartOfFrame =
      marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame) {
      if (header.length < 9) return unknownSize;
      return { width: header.readUInt16BE(7), height: header.readUInt16BE(5) };
    }
    const length = header.readUInt16BE(2);
    if (length < 2) return unknownSize;
    position += 2 + length;
  }
  return unknownSize;
}
