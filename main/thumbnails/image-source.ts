import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { UploadError } from '../net/upload-error.ts';
import { loadSharp, sharpBuildOf, type Metadata, type Sharp } from './sharp-loader.ts';

/**
 * Pixels Ferry agrees to decode from one source image. A PNG or TIFF header can promise billions of
 * pixels in a few kilobytes (a decompression bomb); past this, decoding could exhaust memory. The
 * value is sharp's own default (0x3FFF²), stated here so it is a decision rather than an accident:
 * it admits 200-megapixel phone photos.
 */
export const defaultMaxInputPixels = 0x3fff * 0x3fff;

/**
 * Largest file the wasm build is given as bytes in memory rather than as a path (see imageInput).
 * A 200-megapixel phone JPEG is 30–60 MB; past this, holding the file in JS memory and again in the
 * wasm heap costs more than the pauses it saves.
 */
export const wasmInMemoryMaxBytes = 64 * 1024 * 1024;

/** What sharp opens: a path (libvips reads the file itself) or the file's bytes. */
export type ImageInput = string | Buffer;

/**
 * How to hand the file at `path` to this sharp. The native build gets the path: libvips reads it on
 * its own threads. The wasm build gets the bytes, read by an async readFile on a libuv thread: in
 * @img/sharp-wasm32 every file call libvips makes (open, read, seek, and the mmap of the whole file
 * that even a header read asks for) is proxied to the JS main thread and run there synchronously, so
 * a path costs the event loop ~15 ms of reading and zero-filling per 3 MB photo, and ~20% more CPU.
 * `size` (bytes), when the caller already has it, saves a stat.
 */
export async function imageInput(sharp: Sharp, path: string, size?: number): Promise<ImageInput> {
  if (sharpBuildOf(sharp) !== 'wasm') return path;
  const bytes = size ?? (await stat(path)).size;
  return bytes <= wasmInMemoryMaxBytes ? readFile(path) : path;
}

/**
 * An image as its header describes it, nothing decoded: the one measure the thumbnails, the processing
 * step and the OPPO derivatives take before they decide to decode. Read with `animated`, so the
 * frames of a GIF or WebP are counted; the size is one frame's, as displayed (EXIF orientation
 * applied).
 */
export interface ImageMeasure {
  metadata: Metadata;
  /** sharp's name of the format found in the content: jpeg, png, webp, gif, tiff, heif, svg … */
  format: string;
  width: number;
  height: number;
  pages: number;
}

/** Throws what sharp throws when the header cannot be read; each caller words that for its own use. */
export async function measureImage(sharp: Sharp, input: ImageInput): Promise<ImageMeasure> {
  // The header is trusted only to be measured: the pixel limit is each caller's check, with numbers.
  const metadata = await sharp(input, { limitInputPixels: false, animated: true }).metadata();
  const frameHeight = metadata.pageHeight ?? metadata.height;
  // Orientations 5–8 turn the picture a quarter: its displayed width is its stored height.
  const turned = (metadata.orientation ?? 1) >= 5;
  return {
    metadata,
    format: metadata.format,
    width: turned ? frameHeight : metadata.width,
    height: turned ? metadata.width : frameHeight,
    pages: metadata.pages ?? 1,
  };
}

/** More pixels in one frame than Ferry agrees to decode: a decompression bomb, or an image to scale down. */
export function overPixelLimit(
  measure: Pick<ImageMeasure, 'width' | 'height'>,
  maxInputPixels: number,
): boolean {
  return measure.width * measure.height > maxInputPixels;
}

/**
 * How every sharp path opens an image for its pixels: the pixel limit enforced by libvips as well,
 * `failOn: 'error'` (camera files with harmless warnings pass, truncated or corrupt data does not),
 * and the EXIF orientation applied first, before any resize, which keeps libvips' shrink-on-load
 * (a 12 MP JPEG scaled at decode). An animated image keeps its frames and its stored orientation.
 */
export function openImage(
  sharp: Sharp,
  input: ImageInput,
  options: { maxInputPixels: number; animated?: boolean },
): ReturnType<Sharp> {
  const animated = options.animated ?? false;
  const pipeline = sharp(input, { limitInputPixels: options.maxInputPixels, failOn: 'error', animated });
  return animated ? pipeline : pipeline.autoOrient();
}

/** What sharp reports for each image extension (AVIF and HEIC are both HEIF containers to libvips). */
const formatsByExtension: Readonly<Record<string, readonly string[]>> = {
  '.jpg': ['jpeg'],
  '.jpeg': ['jpeg'],
  '.jpe': ['jpeg'],
  '.jfif': ['jpeg'],
  '.png': ['png'],
  '.webp': ['webp'],
  '.gif': ['gif'],
  '.tif': ['tiff'],
  '.tiff': ['tiff'],
  '.avif': ['heif'],
  '.heic': ['heif'],
  '.heif': ['heif'],
  '.svg': ['svg'],
};

export interface SourceImage {
  /** The real format, from the content (sharp's name: jpeg, png, webp, gif, tiff, heif, svg ...). */
  format: string;
  /** Size as displayed, i.e. after the EXIF orientation is applied. */
  width: number;
  height: number;
}

function invalid(name: string, reason: string): UploadError {
  return UploadError.of('image-invalid', `"${name}" cannot be used as an image: ${reason}`);
}

/**
 * Check a source image from its header only (nothing is decoded yet, nothing read into JS memory):
 * empty files, non-images, extensions that lie about the content and decompression bombs each get
 * their own reason. File-system errors (ENOENT, EACCES) are left for the engine to name.
 */
export async function inspectImageSource(
  path: string,
  maxInputPixels: number = defaultMaxInputPixels,
): Promise<SourceImage> {
  const name = basename(path);
  const info = await stat(path);
  if (info.size === 0) throw invalid(name, 'the file is empty (0 bytes).');

  const claimed = formatsByExtension[extname(path).toLowerCase()];
  const { sharp } = await loadSharp();
  let measure: ImageMeasure;
  try {
    measure = await measureImage(sharp, await imageInput(sharp, path, info.size));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    if (claimed !== undefined) {
      throw invalid(
        name,
        `it is named ${extname(path)} but its content is not a readable image (${detail}).`,
      );
    }
    throw UploadError.of(
      'file-type-unsupported',
      `"${name}" is not an image (${detail}); pictures can be made from JPEG, PNG, WebP, GIF, TIFF, AVIF/HEIC or SVG.`,
    );
  }

  const { format, width, height } = measure;
  if (claimed !== undefined && !claimed.includes(format)) {
    throw invalid(
      name,
      `it is named ${extname(path)} but contains ${format.toUpperCase()} data; rename it or re-export it.`,
    );
  }
  if (!(width > 0 && height > 0)) throw invalid(name, 'its header gives no dimensions.');
  if (overPixelLimit(measure, maxInputPixels)) {
    const megapixels = (n: number) => `${Math.round(n / 1e6)} megapixels`;
    throw invalid(
      name,
      `it is ${width}×${height} pixels (${megapixels(width * height)}), more than the ${megapixels(maxInputPixels)} ` +
        'Ferry decodes: a decompression bomb, or an image to scale down first.',
    );
  }
  return { format, width, height };
}
