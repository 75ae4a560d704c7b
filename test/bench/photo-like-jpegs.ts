// Camera-like JPEGs for the thumbnail benchmark, written by a child process (`node photo-like-jpegs.ts
// <dir> <count> <width> <height>`) so that the 36 MB pixel buffers behind each one never count towards
// the benchmark's own peak memory.
import { join } from 'node:path';
import sharp from 'sharp';

/**
 * Photo-like content: smooth random structure (low-resolution noise scaled up) plus fine sensor grain,
 * so a 12 MP JPEG at quality 90 weighs what a phone photo does (a few MB) rather than 200 KB (flat) or
 * 15 MB (pure noise). Every image differs, so no cache of any kind can serve one from another.
 */
export async function writePhotoLikeJpeg(
  path: string,
  width: number,
  height: number,
  seed: number,
): Promise<void> {
  const coarse = await sharp({
    create: {
      width: Math.ceil(width / 64),
      height: Math.ceil(height / 64),
      channels: 3,
      background: '#000',
      noise: { type: 'gaussian', mean: 128, sigma: 70 },
    },
  })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = await sharp(coarse.data, { raw: coarse.info })
    .resize(width, height, { kernel: 'cubic' })
    .raw()
    .toBuffer();
  let state = Math.imul(seed, 2654435761) >>> 0 || 1;
  for (let index = 0; index < pixels.length; index++) {
    // xorshift32: fast, and reproducible for a seed
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    pixels[index] = Math.min(255, Math.max(0, (pixels[index] ?? 0) + ((state >>> 0) % 25) - 12));
  }
  await sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toFile(path);
}

export function photoLikeJpegPath(dir: string, index: number): string {
  return join(dir, `photo-${index}.jpg`);
}

if (import.meta.main) {
  const [dir, count, width, height] = process.argv.slice(2);
  if (dir === undefined || count === undefined || width === undefined || height === undefined) {
    throw new Error('usage: node photo-like-jpegs.ts <dir> <count> <width> <height>');
  }
  for (let index = 0; index < Number(count); index++) {
    await writePhotoLikeJpeg(photoLikeJpegPath(dir, index), Number(width), Number(height), index + 1);
  }
}
