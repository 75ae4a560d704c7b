import { loadSharp } from '../../thumbnails/sharp-loader.ts';

/**
 * Width and height of an image file from its header (sharp reads metadata without decoding pixels),
 * or undefined when sharp cannot read it: a message body without `size` is still a valid Easemob
 * image message, so a picture sharp does not understand must never fail its upload.
 *
 * sharp comes through its loader, which picks the build that is safe in this process (native,
 * deep-bound on Linux so its GLib cannot clash with Electron's; wasm where that is not possible) and loads it only when an
 * image is actually measured.
 */
export async function imageDimensions(path: string): Promise<{ width: number; height: number } | undefined> {
  try {
    const { sharp } = await loadSharp();
    const metadata = await sharp(path, { failOn: 'none' }).metadata();
    const { width, height } = metadata;
    if (!width || !height) return undefined;
    // EXIF orientations 5–8 rotate by 90°: the picture people see is the other way round.
    const rotated = (metadata.orientation ?? 1) >= 5;
    return rotated ? { width: height, height: width } : { width, height };
  } catch {
    return undefined;
  }
}
