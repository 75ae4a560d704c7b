import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { maxStagedBytes, type CommandResponse } from '../../shared/contract.ts';
import { CommandError, type CommandHandlers } from '../contract-dispatch.ts';
import type { FerryLogger } from '../log/logger.ts';
import type { StagingArea } from './uploads.ts';

/**
 * The parts of Electron's `clipboard` read here. Electron's own object satisfies it (main/electron
 * passes it in); tests pass a fake holding what a file manager or a screenshot tool would put there.
 */
export interface ClipboardSource {
  availableFormats(): string[];
  /** A NativeImage: empty when the clipboard holds no image. */
  readImage(): { isEmpty(): boolean; toPNG(): Buffer };
  readText(): string;
  read(format: string): string;
  readBuffer(format: string): Buffer;
}

/** What the clipboard holds, as far as uploading goes. */
export type ClipboardContent =
  { kind: 'files'; paths: string[] } | { kind: 'image'; bytes: Buffer; extension: string } | { kind: 'none' };

/** Bounds on a list of copied files: more than anyone copies at once, less than a hostile clipboard can hold. */
const maxCopiedFiles = 10_000;
const maxClipboardText = 64 * 1024 * 1024;

/**
 * `file:` URIs to paths, one per line: `text/uri-list` (RFC 2483: CRLF lines, `#` comments) and
 * `x-special/gnome-copied-files` (a first line `copy` or `cut`). Lines that are no local `file:` URI
 * (a web link, a file on another host) are left out.
 */
export function pathsFromUriList(text: string, platform: NodeJS.Platform): string[] {
  const paths: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!/^file:/i.test(line)) continue;
    const path = pathFromFileUrl(line, platform);
    if (path !== null) paths.push(path);
  }
  return paths;
}

function pathFromFileUrl(url: string, platform: NodeJS.Platform): string | null {
  try {
    // The host must be empty or localhost: a file on another machine is not ours to read.
    return fileURLToPath(url, { windows: platform === 'win32' });
  } catch {
    return null;
  }
}

/** Windows' `FileNameW`: one path in UTF-16LE, NUL-terminated (Explorer puts the first copied file there). */
export function pathFromFileNameW(buffer: Buffer): string | null {
  const text = buffer.toString('utf16le').split('\0')[0]?.trim() ?? '';
  return text === '' ? null : text;
}

const xmlEntities: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

/** macOS' `NSFilenamesPboardType`: a property list whose array holds every copied file's path. */
export function pathsFromFilenamesPlist(xml: string): string[] {
  return [...xml.matchAll(/<string>([^<]*)<\/string>/g)].map((match) =>
    match[1]!.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (entity, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X'))
        return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
      return xmlEntities[name.toLowerCase()] ?? entity;
    }),
  );
}

const dataUrlTypes: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/bmp': 'bmp',
};

/** An image in a `data:` URL (copied from a page's source or a chat): its bytes and the extension its type says. */
export function imageFromDataUrl(text: string): { bytes: Buffer; extension: string } | null {
  const match = /^data:(image\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]+)$/i.exec(text.trim());
  if (match === null) return null;
  const extension = dataUrlTypes[match[1]!.toLowerCase()];
  if (extension === undefined) return null;
  const bytes = Buffer.from(match[2]!.replace(/\s/g, ''), 'base64');
  return bytes.length === 0 ? null : { bytes, extension };
}

function readString(source: ClipboardSource, format: string): string {
  try {
    const buffer = source.readBuffer(format);
    if (buffer.length > 0 && buffer.length <= maxClipboardText) return buffer.toString('utf8');
  } catch {
    // Some platforms refuse a format name they do not know; read() may still have it.
  }
  try {
    return source.read(format).slice(0, maxClipboardText);
  } catch {
    return '';
  }
}

/** Files copied in the OS file manager, by the format each platform's file managers use. */
function copiedFiles(source: ClipboardSource, platform: NodeJS.Platform): string[] {
  if (platform === 'darwin') {
    // Finder puts every copied file in the plist, and only the first in public.file-url.
    const all = pathsFromFilenamesPlist(readString(source, 'NSFilenamesPboardType'));
    if (all.length > 0) return all;
    return pathsFromUriList(readString(source, 'public.file-url'), platform);
  }
  if (platform === 'win32') {
    // Explorer's CF_HDROP list is not readable through Electron's clipboard (it registers format names
    // as custom formats); FileNameW holds one copied file.
    let buffer: Buffer;
    try {
      buffer = source.readBuffer('FileNameW');
    } catch {
      return [];
    }
    const path = pathFromFileNameW(buffer);
    return path === null ? [] : [path];
  }
  const formats = new Set(source.availableFormats());
  for (const format of ['text/uri-list', 'x-special/gnome-copied-files']) {
    if (!formats.has(format)) continue;
    const paths = pathsFromUriList(readString(source, format), platform);
    if (paths.length > 0) return paths;
  }
  return [];
}

/**
 * What to upload from the clipboard, in this order: files copied in a file manager (before the image:
 * Finder also puts the file's icon on the clipboard), an image (a screenshot, "Copy image"), then text
 * that is a `data:` image URL. Plain text is never read as paths: any web page can put text there.
 * Paths are returned as the clipboard lists them, unchecked.
 */
export function readClipboard(source: ClipboardSource, platform: NodeJS.Platform): ClipboardContent {
  const files = copiedFiles(source, platform).slice(0, maxCopiedFiles);
  if (files.length > 0) return { kind: 'files', paths: files };

  const image = source.readImage();
  if (!image.isEmpty()) return { kind: 'image', bytes: image.toPNG(), extension: 'png' };

  const text = source.readText().slice(0, maxClipboardText);
  const dataImage = imageFromDataUrl(text);
  return dataImage === null ? { kind: 'none' } : { kind: 'image', ...dataImage };
}

const twoDigits = (value: number): string => String(value).padStart(2, '0');

/** `Screenshot 2026-12-04 17.06.03.png` (local time; dots, as a colon is not allowed in Windows names). */
export function screenshotName(date: Date, extension: string): string {
  const day = `${date.getFullYear()}-${twoDigits(date.getMonth() + 1)}-${twoDigits(date.getDate())}`;
  const time = `${twoDigits(date.getHours())}.${twoDigits(date.getMinutes())}.${twoDigits(date.getSeconds())}`;
  return `Screenshot ${day} ${time}.${extension}`;
}

/**
 * Files the user copied in the OS file manager are files the user handed to Ferry, as a drop is: the
 * one place where clipboard paths enter, so that path grants can be given here.
 */
export function grantClipboardFiles(paths: readonly string[]): string[] {
  return [...paths];
}

export interface ClipboardIntakeOptions {
  /** Electron's clipboard in the app; null where Ferry has none to read (web shell, CLI). */
  clipboard: ClipboardSource | null;
  platform: NodeJS.Platform;
  staging: Pick<StagingArea, 'stage' | 'discard'>;
  defaultAccountId(): string | null;
  /** uploads.add: one task per path, in order. */
  add(paths: string[], accountId: string): Promise<string[]>;
  logger: FerryLogger;
  now?: () => Date;
}

type ClipboardOutcome = CommandResponse<'uploads.clipboard'>;

/**
 * `uploads.clipboard`: the clipboard read, an image staged as a screenshot file, copied files checked
 * to exist, then uploaded to the given or default account. Without an account the paths go back to the
 * caller, which lets the user pick one.
 */
export class ClipboardIntake {
  readonly handlers: Pick<CommandHandlers, 'uploads.clipboard'>;
  readonly #options: ClipboardIntakeOptions;

  constructor(options: ClipboardIntakeOptions) {
    this.#options = options;
    this.handlers = { 'uploads.clipboard': ({ accountId }) => this.upload(accountId) };
  }

  async upload(accountId?: string): Promise<ClipboardOutcome> {
    const { clipboard, platform, logger } = this.#options;
    if (clipboard === null) {
      throw new CommandError({
        code: 'invalid-request',
        message:
          'Ferry cannot read the clipboard here (only the desktop app can): paste into the window, or send the files\u2019 paths.',
      });
    }
    const content = readClipboard(clipboard, platform);
    const collected = await this.#collect(content);
    if (collected === null) {
      logger.info('clipboard upload: nothing to upload', { kind: content.kind });
      return { outcome: 'empty' };
    }
    const { paths, source } = collected;
    const target = accountId ?? this.#options.defaultAccountId();
    if (target === null) return { outcome: 'needs-account', paths, source };
    let taskIds: string[];
    try {
      taskIds = await this.#options.add(paths, target);
    } catch (error) {
      // Refused as a whole (an unknown account): a staged screenshot would be left with no upload to remove it.
      if (source === 'image') for (const path of paths) this.#options.staging.discard(path);
      throw error;
    }
    logger.info('clipboard upload', { source, files: paths.length, accountId: target });
    return { outcome: 'uploading', accountId: target, taskIds, paths, source };
  }

  async #collect(content: ClipboardContent): Promise<{ paths: string[]; source: 'image' | 'files' } | null> {
    if (content.kind === 'none') return null;
    if (content.kind === 'image') {
      if (content.bytes.length > maxStagedBytes) {
        throw new CommandError({
          code: 'file-too-large',
          message: `The image on the clipboard is ${content.bytes.length} bytes; Ferry takes at most ${maxStagedBytes / 1024 / 1024} MiB from the clipboard. Save it as a file and drop that.`,
        });
      }
      const name = screenshotName(this.#options.now?.() ?? new Date(), content.extension);
      return { paths: [await this.#options.staging.stage(name, content.bytes)], source: 'image' };
    }
    // A file deleted since it was copied is left out; the others go.
    const present = await existing(content.paths);
    return present.length === 0 ? null : { paths: grantClipboardFiles(present), source: 'files' };
  }
}

async function existing(paths: readonly string[]): Promise<string[]> {
  const found = await Promise.all(
    paths.map(async (path) => {
      try {
        await stat(path);
        return path;
      } catch {
        return null;
      }
    }),
  );
  return [...new Set(found.filter((path): path is string => path !== null))];
}
