import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { ErrorCode, ErrorView } from '../../shared/errors.ts';
import {
  defaultMaxInputPixels,
  imageInput,
  measureImage,
  openImage,
  overPixelLimit,
  type ImageInput,
} from './image-source.ts';
import { loadSharp, sharpBuildOf, type LoadedSharp, type Sharp, type SharpBuild } from './sharp-loader.ts';
import { formatClaimedByName, sniffFile, type ImageFormat } from './sniff-image.ts';
import { createTaskQueue } from './task-queue.ts';
import { readWebpSize } from './webp-size.ts';

/** Long side of a thumbnail, in pixels: sharp enough for a 128 px cell on a 2× display. */
export const thumbnailSize = 256;

export interface ThumbnailerOptions {
  /** Where thumbnails live, one WebP per content hash (see pathForHash). Created on first write. */
  cacheDir: string;
  /** A sharp already loaded (tests, or an app that loaded it itself); wins over `loadSharp`. */
  sharp?: Sharp;
  /**
   * How to load sharp, called once, on the first decode (cache hits load nothing). Default: loadSharp(),
   * i.e. the wasm build inside Electron on Linux and the native build elsewhere.
   */
  loadSharp?: () => Promise<LoadedSharp>;
  /** Thumbnails made at once; default 1. Each holds a libuv thread, which uploads need for disk reads. */
  concurrency?: number;
  maxInputPixels?: number;
}

export interface Thumbnail {
  /** The cached WebP: pathForHash(sha256). */
  path: string;
  width: number;
  height: number;
  /** True when it came from the cache, without decoding anything. */
  cached: boolean;
  /** The source's real format, from its content (undefined only if the source vanished after a cache hit). */
  sourceFormat: ImageFormat | undefined;
  /**
   * A problem that did not stop the thumbnail: an extension that does not match the content (a PNG
   * named .jpg) is reported here with code `image-invalid`, and a thumbnail is still made, because the
   * picture is what the user chose; whether the upload may go ahead is the provider's decision.
   */
  warning?: ErrorView;
}

export type ThumbnailResult = Thumbnail | { error: ErrorView };

export interface ThumbnailRequest {
  /** SHA-256 of the file's content (hex), as the engine computed it; the cache key. */
  sha256: string;
  /** Aborting skips a thumbnail still waiting for its turn (it does not interrupt a running decode). */
  signal?: AbortSignal;
}

export interface ThumbnailerStats {
  /** Source images handed to libvips for decoding (cache hits and early rejections are not counted). */
  decodes: number;
  cacheHits: number;
  failures: number;
}

export interface Thumbnailer {
  /** Never throws: every failure is a `{ error }` with a reason the user can act on. */
  thumbnailFor(path: string, request: ThumbnailRequest): Promise<ThumbnailResult>;
  /** Where the thumbnail of that content is (or will be) cached. Throws for a malformed hash. */
  pathForHash(sha256: string): string;
  /** Resolves when no thumbnail is being made or waiting. */
  idle(): Promise<void>;
  stats(): ThumbnailerStats;
  /** The sharp build in use once one is loaded (undefined before the first decode). */
  build(): SharpBuild | undefined;
}

const sha256Pattern = /^[0-9a-f]{64}$/;

class ThumbnailFailure extends Error {
  readonly view: ErrorView;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.view = { code, message };
  }
}

/**
 * Local thumbnails for uploads: 256 px WebP, EXIF orientation applied, never enlarged, cached on disk by
 * content hash, made one (or `concurrency`) at a time. It needs only the path and the hash the engine
 * already computed, so it can run after hashing without touching the upload itself.
 */
export function createThumbnailer(options: ThumbnailerOptions): Thumbnailer {
  const maxInputPixels = options.maxInputPixels ?? defaultMaxInputPixels;
  const queue = createTaskQueue(options.concurrency ?? 1);
  const inFlight = new Map<string, { path: string; job: Promise<ThumbnailResult> }>();
  const counters: ThumbnailerStats = { decodes: 0, cacheHits: 0, failures: 0 };
  let loaded: Promise<LoadedSharp> | undefined;
  let build: SharpBuild | undefined;
  const createdDirs = new Set<string>();

  const getSharp = (): Promise<LoadedSharp> => {
    if (loaded === undefined) {
      const given = options.sharp;
      loaded = (
        given !== undefined
          ? Promise.resolve({ sharp: given, build: sharpBuildOf(given) })
          : (options.loadSharp ?? loadSharp)()
      ).then((result) => {
        build = result.build;
        return result;
      });
    }
    return loaded;
  };

  const pathForHash = (sha256: string): string => {
    const hash = sha256.toLowerCase();
    if (!sha256Pattern.test(hash))
      throw new RangeError(`not a SHA-256 hex digest: ${JSON.stringify(sha256)}`);
    // Two-character fan-out keeps directories small; the size in the name lets a new size coexist.
    return join(options.cacheDir, hash.slice(0, 2), `${hash}-${thumbnailSize}.webp`);
  };

  const fromCache = async (path: string, target: string): Promise<Thumbnail | undefined> => {
    let size: { width: number; height: number } | undefined;
    try {
      size = await readWebpSize(target);
    } catch {
      return undefined; // not cached (or unreadable: made again)
    }
    if (size === undefined) return undefined;
    counters.cacheHits++;
    // Reading the source's first bytes is not decoding; it keeps the extension warning the same
    // whether or not the thumbnail was cached (the same content can come under another name).
    const sniffed = (await sniffFile(path).catch(() => undefined))?.sniffed;
    const sourceFormat = sniffed?.kind === 'image' ? sniffed.format : undefined;
    return { path: target, ...size, cached: true, sourceFormat, ...extensionWarning(path, sourceFormat) };
  };

  const make = async (path: string, target: string, signal: AbortSignal | undefined): Promise<Thumbnail> => {
    if (signal?.aborted)
      throw new ThumbnailFailure('cancelled', `The thumbnail of "${basename(path)}" was cancelled.`);
    const name = basename(path);
    const { format, size } = await checkSource(path, name);
    const { sharp } = await loadOrFail(getSharp);
    if (format === 'heic' && !canDecodeHeic(sharp)) {
      throw new ThumbnailFailure(
        'file-type-unsupported',
        `"${name}" is a HEIC photo, and this build of sharp cannot decode HEIC (its libheif has no HEVC ` +
          'decoder, for patent reasons); no thumbnail is made. Export it as JPEG to see a preview.',
      );
    }
    let input: ImageInput;
    try {
      input = await imageInput(sharp, path, size);
    } catch (error) {
      throw fileSystemFailure(error, name);
    }
    await checkPixels(sharp, input, name, format, maxInputPixels);

    const targetDir = dirname(target);
    if (!createdDirs.has(targetDir)) {
      await mkdir(targetDir, { recursive: true });
      createdDirs.add(targetDir);
    }
    const temp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    counters.decodes++;
    try {
      // Resize right after orientation, nothing before it: this is what lets libvips use shrink-on-load
      // (JPEG DCT scaling, WebP scaled decode), from a path or from bytes alike, so a 12 MP JPEG is
      // decoded at 1/8 size. Only the first frame/page is read (sharp's default): the GIF thumbnail.
      const info = await openImage(sharp, input, { maxInputPixels })
        .resize(thumbnailSize, thumbnailSize, { fit: 'inside', withoutEnlargement: true })
        .webp()
        .toFile(temp);
      // Atomic: a reader sees no file or a whole one, never a half-written thumbnail.
      await rename(temp, target);
      return {
        path: target,
        width: info.width,
        height: info.height,
        cached: false,
        sourceFormat: format,
        ...extensionWarning(path, format),
      };
    } catch (error) {
      await rm(temp, { force: true });
      throw decodeFailure(error, name, format);
    }
  };

  const thumbnailFor = (path: string, request: ThumbnailRequest): Promise<ThumbnailResult> => {
    let target: string;
    try {
      target = pathForHash(request.sha256);
    } catch (error) {
      return Promise.resolve({ error: { code: 'invalid-request', message: messageOf(error) } });
    }
    // Two uploads of the same content share one thumbnail job. A request under another name (its own
    // extension warning) or one that was not cancelled asks again once the job is done: a cache hit then.
    const running = inFlight.get(target);
    if (running !== undefined) {
      return running.job.then((result) =>
        running.path === path &&
        !('error' in result && result.error.code === 'cancelled' && !request.signal?.aborted)
          ? result
          : thumbnailFor(path, request),
      );
    }
    const job = (async (): Promise<ThumbnailResult> => {
      try {
        return (await fromCache(path, target)) ?? (await queue.run(() => make(path, target, request.signal)));
      } catch (error) {
        counters.failures++;
        return { error: viewOf(error, path) };
      } finally {
        inFlight.delete(target);
      }
    })();
    inFlight.set(target, { path, job });
    return job;
  };

  return {
    thumbnailFor,
    pathForHash,
    idle: () => queue.idle(),
    stats: () => ({ ...counters }),
    build: () => build,
  };
}

/** Everything that can be said about the file before libvips opens it: its real format, and its size. */
async function checkSource(path: string, name: string): Promise<{ format: ImageFormat; size: number }> {
  let file;
  try {
    file = await sniffFile(path);
  } catch (error) {
    throw fileSystemFailure(error, name);
  }
  if (file.directory)
    throw new ThumbnailFailure('folder-unsupported', `"${name}" is a folder, not an image.`);
  const sniffed = file.sniffed;
  if (sniffed === undefined)
    throw new ThumbnailFailure('image-invalid', `"${name}" is empty (0 bytes): no image in it.`);
  if (sniffed.kind === 'image') return { format: sniffed.format, size: file.size };
  if (sniffed.kind === 'unsupported-image') {
    throw new ThumbnailFailure(
      'file-type-unsupported',
      `"${name}" is a ${sniffed.name} image; thumbnails are made of JPEG, PNG, WebP, GIF, AVIF, TIFF, SVG and HEIC.`,
    );
  }
  if (formatClaimedByName(path) !== undefined) {
    throw new ThumbnailFailure(
      'image-invalid',
      `"${name}" is named ${extname(path)} but its content is not an image of any kind Ferry knows.`,
    );
  }
  throw new ThumbnailFailure('file-type-unsupported', `"${name}" is not an image, so it has no thumbnail.`);
}

/** Header only (no pixels decoded): reject decompression bombs with their real size in the message. */
async function checkPixels(
  sharp: Sharp,
  input: ImageInput,
  name: string,
  format: ImageFormat,
  maxInputPixels: number,
): Promise<void> {
  let width: number;
  let height: number;
  try {
    ({ width, height } = await measureImage(sharp, input));
  } catch (error) {
    throw decodeFailure(error, name, format);
  }
  if (!(width > 0 && height > 0)) {
    throw new ThumbnailFailure(
      'image-invalid',
      `"${name}" has no usable dimensions in its ${label(format)} header.`,
    );
  }
  if (overPixelLimit({ width, height }, maxInputPixels)) {
    throw new ThumbnailFailure(
      'image-invalid',
      `"${name}" claims ${width}×${height} pixels (${megapixels(width * height)}), more than the ` +
        `${megapixels(maxInputPixels)} Ferry decodes for a thumbnail: a decompression bomb, or an image to scale down first.`,
    );
  }
}

/**
 * Whether libheif in this build can decode HEVC. Prebuilt sharp (native and wasm) ships AV1 only, and
 * libvips advertises the .heic suffix only when a HEVC decoder is present.
 */
export function canDecodeHeic(sharp: Sharp): boolean {
  const heif = sharp.format.heif;
  return heif.input.file && (heif.input.fileSuffix ?? []).includes('.heic');
}

function extensionWarning(path: string, actual: ImageFormat | undefined): { warning?: ErrorView } {
  const claimed = formatClaimedByName(path);
  if (actual === undefined || claimed === undefined || claimed === actual) return {};
  return {
    warning: {
      code: 'image-invalid',
      message:
        `"${basename(path)}" is named ${extname(path)} but contains ${label(actual)} data; ` +
        'the thumbnail shows it, but a provider that checks the type may refuse it. Rename it to match.',
    },
  };
}

function decodeFailure(error: unknown, name: string, format: ImageFormat): ThumbnailFailure {
  if (error instanceof ThumbnailFailure) return error;
  const detail = messageOf(error);
  if (/pixel limit/i.test(detail)) {
    return new ThumbnailFailure(
      'image-invalid',
      `"${name}" has more pixels than Ferry decodes for a thumbnail (a decompression bomb?): ${detail}`,
    );
  }
  if (/unsupported image format/i.test(detail)) {
    return new ThumbnailFailure(
      'file-type-unsupported',
      `"${name}": this ${label(format)} cannot be read (${detail}).`,
    );
  }
  return new ThumbnailFailure(
    'image-invalid',
    `"${name}" cannot be decoded as ${label(format)}: it is truncated or corrupt (${detail}).`,
  );
}

function fileSystemFailure(error: unknown, name: string): ThumbnailFailure {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new ThumbnailFailure('file-not-found', `"${name}" no longer exists.`);
  if (code === 'EISDIR')
    return new ThumbnailFailure('folder-unsupported', `"${name}" is a folder, not an image.`);
  return new ThumbnailFailure('file-unreadable', `"${name}" cannot be read: ${messageOf(error)}`);
}

async function loadOrFail(getSharp: () => Promise<LoadedSharp>): Promise<LoadedSharp> {
  try {
    return await getSharp();
  } catch (error) {
    // A packaging fault, not the file's: no image can be thumbnailed until the app is fixed.
    throw new ThumbnailFailure('internal', `Thumbnails are unavailable: ${messageOf(error)}`);
  }
}

function viewOf(error: unknown, path: string): ErrorView {
  if (error instanceof ThumbnailFailure) return error.view;
  return { code: 'internal', message: `The thumbnail of "${basename(path)}" failed: ${messageOf(error)}` };
}

function label(format: ImageFormat): string {
  return format.toUpperCase();
}

function megapixels(pixels: number): string {
  return `${Math.round(pixels / 1e6)} MP`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
