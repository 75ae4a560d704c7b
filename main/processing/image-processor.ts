import { rename, rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { OutputFormat, ProcessingSettings, WatermarkPosition } from '../../shared/processing.ts';
import { UploadError } from '../net/upload-error.ts';
import {
  defaultMaxInputPixels,
  imageInput,
  measureImage,
  openImage,
  overPixelLimit,
  type ImageInput,
  type ImageMeasure,
} from '../thumbnails/image-source.ts';
import { loadSharp, type Sharp } from '../thumbnails/sharp-loader.ts';
import { sniffContents, sniffFile } from '../thumbnails/sniff-image.ts';
import { createTaskQueue } from '../thumbnails/task-queue.ts';
import { summariseExif } from './exif-tags.ts';

type Encoded = Exclude<OutputFormat, 'keep'> | 'gif' | 'tiff';

/** What happened to one file: the bytes to send, and what the history should say about them. */
export interface ProcessOutcome {
  /** `processed`: the staged file at `destPath` is sent; `original`: the user's file is sent as it is. */
  kind: 'processed' | 'original';
  path: string;
  size: number;
  originalSize: number;
  /** sharp's name of the format sent (jpeg, webp ...); null when the file is not a decodable image. */
  format: string | null;
  width: number | null;
  height: number | null;
  /** Metadata the processing removed: `location`, `exif`, `xmp`, `icc`, `iptc`. Empty when nothing was. */
  removed: string[];
  /** Why a file was sent as it is though something was asked of it (an undecodable format, animation ...). */
  notice: string | null;
  /** The file name that matches the bytes: the extension follows a format change. */
  name: string;
}

export interface ProcessOptions {
  maxInputPixels?: number;
  signal?: AbortSignal;
  /** A sharp already loaded (tests, the bench's wasm row); default: processingSharp(). */
  sharp?: Sharp;
  /** The source's bytes, read whole by the caller: the image check looks at them instead of the file. */
  contents?: Buffer;
}

const extensionOf: Readonly<Record<Encoded, string>> = {
  webp: '.webp',
  avif: '.avif',
  jpeg: '.jpg',
  png: '.png',
  gif: '.gif',
  tiff: '.tif',
};

/** Formats sharp encodes as they came, for `keep`. HEIF containers are written as AVIF (sharp cannot write HEVC). */
const keepable: Readonly<Record<string, Encoded>> = {
  jpeg: 'jpeg',
  png: 'png',
  webp: 'webp',
  gif: 'gif',
  tiff: 'tiff',
  heif: 'avif',
};
const animatable: ReadonlySet<Encoded> = new Set(['webp', 'gif']);

/**
 * One image at a time, and libvips' cache small: a 12 MP photo decodes to ~36 MB, and a batch must
 * not hold one per upload slot. The engine's slots wait here, not in memory.
 */
const processingQueue = createTaskQueue(1);
let tuned: Promise<Sharp> | undefined;

/** sharp, loaded through the one loader and tuned once for processing (threads per image, cache). */
export function processingSharp(): Promise<Sharp> {
  tuned ??= loadSharp().then(({ sharp }) => {
    // A small operation cache: processing reads each file once, so cached tiles are mostly memory held.
    sharp.cache({ memory: 32, files: 0, items: 20 });
    return sharp;
  });
  return tuned;
}

function replaceExtension(name: string, extension: string): string {
  const dot = name.lastIndexOf('.');
  return (dot > 0 ? name.slice(0, dot) : name) + extension;
}

function asIs(
  source: { path: string; size: number; name: string },
  notice: string | null,
  measure?: ImageMeasure,
): ProcessOutcome {
  const { path, size, name } = source;
  return {
    kind: 'original',
    path,
    size,
    originalSize: size,
    format: measure?.format ?? null,
    width: measure?.width ?? null,
    height: measure?.height ?? null,
    removed: [],
    notice,
    name,
  };
}

function isPixelLimit(error: unknown): boolean {
  return error instanceof Error && /pixel limit/i.test(error.message);
}

function bomb(name: string, width: number, height: number, limit: number): UploadError {
  const megapixels = (n: number) => `${Math.round(n / 1e6)} megapixels`;
  return UploadError.of(
    'image-invalid',
    `"${name}" is ${width}×${height} pixels (${megapixels(width * height)}), more than the ${megapixels(limit)} ` +
      'Ferry decodes: a decompression bomb, or an image to scale down first. Upload it as the original to send it unprocessed.',
  );
}

/** The size after fitting inside maxWidth × maxHeight, never enlarged. */
export function fittedSize(
  width: number,
  height: number,
  maxWidth: number,
  maxHeight: number,
): { width: number; height: number } {
  const scale = Math.min(1, maxWidth > 0 ? maxWidth / width : 1, maxHeight > 0 ? maxHeight / height : 1);
  if (scale >= 1) return { width, height };
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

function placement(
  position: WatermarkPosition,
  box: { width: number; height: number },
  item: { width: number; height: number },
  margin: number,
): { left: number; top: number } {
  const column = position.endsWith('left') ? 0 : position.endsWith('right') ? 2 : 1;
  const row = position.startsWith('top') ? 0 : position.startsWith('bottom') ? 2 : 1;
  const along = (slot: number, outer: number, inner: number) =>
    Math.max(0, Math.round(slot === 0 ? margin : slot === 2 ? outer - inner - margin : (outer - inner) / 2));
  return { left: along(column, box.width, item.width), top: along(row, box.height, item.height) };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The watermark as an overlay for an image of `box` size: text rendered by librsvg, or the user's picture. */
async function watermarkOverlay(
  sharp: Sharp,
  settings: ProcessingSettings,
  box: { width: number; height: number },
): Promise<{ input: Buffer; left: number; top: number }> {
  const shortSide = Math.min(box.width, box.height);
  const itemHeight = Math.max(1, Math.round((shortSide * settings.watermarkSizePercent) / 100));
  const margin = Math.round((shortSide * settings.watermarkMarginPercent) / 100);
  if (settings.watermarkImage !== '') {
    const picture = await sharp(settings.watermarkImage)
      .autoOrient()
      .resize({ height: itemHeight, width: Math.max(1, box.width - 2 * margin), fit: 'inside' })
      .ensureAlpha()
      .linear([1, 1, 1, settings.watermarkOpacity], [0, 0, 0, 0])
      .png()
      .toBuffer({ resolveWithObject: true });
    const item = { width: picture.info.width, height: picture.info.height };
    return { input: picture.data, ...placement(settings.watermarkPosition, box, item, margin) };
  }
  // A text box as wide as the image allows; librsvg measures the text, the anchor places it.
  const width = Math.max(1, box.width - 2 * margin);
  const height = Math.min(box.height, Math.ceil(itemHeight * 1.4));
  const column = settings.watermarkPosition.endsWith('left')
    ? 0
    : settings.watermarkPosition.endsWith('right')
      ? 2
      : 1;
  const [x, anchor] = column === 0 ? [0, 'start'] : column === 2 ? [width, 'end'] : [width / 2, 'middle'];
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<text x="${x}" y="${Math.round(height * 0.78)}" text-anchor="${anchor}" font-family="${escapeXml(settings.watermarkFont)}" ` +
    `font-size="${itemHeight}" fill="${escapeXml(settings.watermarkColour)}" fill-opacity="${settings.watermarkOpacity}">` +
    `${escapeXml(settings.watermarkText)}</text></svg>`;
  const item = { width, height };
  const at = placement(settings.watermarkPosition, box, item, margin);
  return {
    input: Buffer.from(svg),
    left: column === 0 ? margin : column === 2 ? margin : at.left,
    top: at.top,
  };
}

/**
 * Make the image at `sourcePath` ready to send under `settings`, writing the result to `destPath`
 * (through a temporary name, so `destPath` exists only complete). Returns `kind: 'original'` (and
 * writes nothing) when the file needs no change, is not an image libvips can decode (then with a
 * notice), is animated and the target cannot animate, or when the result would be larger and nothing
 * that had to go (location, a watermark, a size) depends on it.
 *
 * Throws UploadError `image-invalid` when the image is over the pixel limit (sharp refuses to decode
 * it): sending a decompression bomb on unasked is not a favour to whoever opens the link.
 */
export async function processImage(
  sourcePath: string,
  destPath: string,
  settings: ProcessingSettings,
  options: ProcessOptions = {},
): Promise<ProcessOutcome> {
  options.signal?.throwIfAborted();
  // Sniffed outside the one-at-a-time queue: a batch of files that are not images (most of a large
  // drop) would otherwise open and read them one after another, whatever the upload concurrency.
  const { size, sniffed } = options.contents ? sniffContents(options.contents) : await sniffFile(sourcePath);
  const source = { path: sourcePath, size, name: basename(sourcePath) };
  if (sniffed === undefined || sniffed.kind === 'unknown') return asIs(source, null);
  if (sniffed.kind === 'unsupported-image') {
    return asIs(source, `${sniffed.name} images are sent as they are: Ferry cannot decode them.`);
  }
  // SVG is text that scales; rasterising it would only lose that.
  if (sniffed.format === 'svg') return asIs(source, null);
  return processingQueue.run(() => processNow(source, destPath, settings, options));
}

async function processNow(
  source: { path: string; size: number; name: string },
  destPath: string,
  settings: ProcessingSettings,
  options: ProcessOptions,
): Promise<ProcessOutcome> {
  options.signal?.throwIfAborted();
  const { path: sourcePath, size, name } = source;
  const maxInputPixels = options.maxInputPixels ?? defaultMaxInputPixels;

  const sharp = options.sharp ?? (await processingSharp());
  let input: ImageInput;
  let measure: ImageMeasure;
  try {
    input = await imageInput(sharp, sourcePath, size);
    measure = await measureImage(sharp, input);
  } catch (error) {
    return asIs(source, `Sent as it is: the image could not be read (${firstLine(error)}).`);
  }
  const { metadata, pages } = measure;
  const frameHeight = metadata.pageHeight ?? metadata.height;
  if (overPixelLimit(measure, maxInputPixels))
    throw bomb(name, measure.width, measure.height, maxInputPixels);
  const animated = pages > 1;
  const target: Encoded | undefined =
    settings.format === 'keep' ? keepable[metadata.format] : (settings.format as Encoded);
  if (target === undefined) {
    return asIs(
      source,
      `Sent as it is: Ferry does not write ${metadata.format.toUpperCase()} images.`,
      measure,
    );
  }
  if (animated && !animatable.has(target)) {
    return asIs(
      source,
      `Sent as it is: the image is animated and ${target.toUpperCase()} cannot animate.`,
      measure,
    );
  }

  const { width, height } = measure;
  const fitted = animated
    ? fittedSize(metadata.width, frameHeight, settings.maxWidth, settings.maxHeight)
    : fittedSize(width, height, settings.maxWidth, settings.maxHeight);
  const resizes = animated
    ? fitted.width !== metadata.width
    : fitted.width !== width || fitted.height !== height;
  const wantsWatermark = settings.watermarkText !== '' || settings.watermarkImage !== '';
  const watermarks =
    wantsWatermark && !animated && Math.min(fitted.width, fitted.height) >= settings.watermarkMinSide;
  const exif = summariseExif(metadata.exif);
  const present = {
    exif: metadata.exif !== undefined,
    xmp: metadata.xmp !== undefined,
    icc: metadata.icc !== undefined,
    iptc: metadata.iptc !== undefined,
  };
  const removed: string[] = [];
  if (settings.stripMetadata === 'location') {
    if (exif.hasGps) removed.push('location');
    if (present.xmp) removed.push('xmp');
  } else if (settings.stripMetadata === 'all') {
    for (const key of ['exif', 'xmp', 'icc', 'iptc'] as const) if (present[key]) removed.push(key);
    if (exif.hasGps) removed.unshift('location');
  }
  const rotates = (metadata.orientation ?? 1) > 1;
  const sourceFormat = keepable[metadata.format];
  const changesFormat = target !== sourceFormat;
  if (!resizes && !watermarks && removed.length === 0 && !changesFormat && !rotates) {
    return asIs(source, null, measure);
  }

  const temporary = `${destPath}.part`;
  let info;
  try {
    let pipeline = openImage(sharp, input, { maxInputPixels, animated });
    if (resizes) {
      pipeline = pipeline.resize({
        width: fitted.width,
        height: animated ? undefined : fitted.height,
        fit: 'inside',
        withoutEnlargement: true,
      });
    }
    if (watermarks) pipeline = pipeline.composite([await watermarkOverlay(sharp, settings, fitted)]);
    if (settings.stripMetadata === 'none') pipeline = pipeline.keepMetadata();
    else if (settings.stripMetadata === 'location') {
      pipeline = pipeline.keepIccProfile();
      if (Object.keys(exif.keep.IFD0).length + Object.keys(exif.keep.IFD2).length > 0) {
        pipeline = pipeline.withExif(exif.keep);
      }
    }
    pipeline = encoder(pipeline, target, settings);
    options.signal?.throwIfAborted();
    info = await pipeline.toFile(temporary);
  } catch (error) {
    await rm(temporary, { force: true });
    if (isPixelLimit(error)) throw bomb(name, width, height, maxInputPixels);
    if (options.signal?.aborted) throw error;
    return asIs(source, `Sent as it is: the image could not be processed (${firstLine(error)}).`, measure);
  }

  const mustRewrite = watermarks || resizes || removed.length > 0;
  if (settings.keepSmallerOriginal && info.size >= size && !mustRewrite) {
    await rm(temporary, { force: true });
    return asIs(source, null, measure);
  }
  await rename(temporary, destPath);
  const written = await stat(destPath);
  return {
    kind: 'processed',
    path: destPath,
    size: written.size,
    originalSize: size,
    format: info.format,
    width: info.width,
    height: animated ? (info.pageHeight ?? info.height) : info.height,
    removed,
    notice:
      wantsWatermark && !watermarks
        ? animated
          ? 'No watermark: the image is animated.'
          : `No watermark: the image is smaller than ${settings.watermarkMinSide} pixels.`
        : null,
    // The user's own spelling of the extension (.jpeg, .JPG) stays when the format does not change.
    name: changesFormat ? replaceExtension(name, extensionOf[target]) : name,
  };
}

function encoder(
  pipeline: ReturnType<Sharp>,
  target: Encoded,
  settings: ProcessingSettings,
): ReturnType<Sharp> {
  const { quality, lossless } = settings;
  switch (target) {
    case 'webp':
      return pipeline.webp({ quality, lossless });
    case 'avif':
      return pipeline.avif({ quality, lossless });
    case 'jpeg':
      return pipeline.jpeg({ quality });
    case 'png':
      return pipeline.png();
    case 'gif':
      return pipeline.gif();
    case 'tiff':
      return pipeline.tiff({ quality });
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
