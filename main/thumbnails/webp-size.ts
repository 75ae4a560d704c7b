import { open } from 'node:fs/promises';

/**
 * Width and height of a WebP file from its first 30 bytes, without libvips: a thumbnail cache hit
 * must cost a small read, not a decode. Undefined when the header is not a WebP Ferry wrote (then the
 * entry is made again).
 */
export async function readWebpSize(path: string): Promise<{ width: number; height: number } | undefined> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(30);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return webpSizeOf(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

export function webpSizeOf(head: Buffer): { width: number; height: number } | undefined {
  if (
    head.length < 30 ||
    head.toString('latin1', 0, 4) !== 'RIFF' ||
    head.toString('latin1', 8, 12) !== 'WEBP'
  ) {
    return undefined;
  }
  const size = (width: number, height: number) => (width > 0 && height > 0 ? { width, height } : undefined);
  switch (head.toString('latin1', 12, 16)) {
    case 'VP8 ': // lossy: 14-bit sizes after the key frame start code 9d 01 2a
      if (head[23] !== 0x9d || head[24] !== 0x01 || head[25] !== 0x2a) return undefined;
      return size(head.readUInt16LE(26) & 0x3fff, head.readUInt16LE(28) & 0x3fff);
    case 'VP8L': {
      // lossless: signature 0x2f, then 14 bits width-1 and 14 bits height-1, little-endian
      if (head[20] !== 0x2f) return undefined;
      const bits = head.readUInt32LE(21);
      return size((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
    }
    case 'VP8X': // extended (alpha, ICC ...): 24-bit canvas width-1 and height-1
      return size(head.readUIntLE(24, 3) + 1, head.readUIntLE(27, 3) + 1);
    default:
      return undefined;
  }
}
