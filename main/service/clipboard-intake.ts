import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { maxStagedBytes, type CommandResponse } from '../../shared/contract.ts';
import { CommandError, type CommandHandlers } from '../contract-dispatch.ts';
import type { FerryLogger } from '../log/logger.ts';
import type { StagingArea } from './uploads.ts';

/** One entry of the clipboard: the formats it offers, each read as bytes (a Blob in Electron). */
export interface ClipboardItemLike {
  readonly types: readonly string[];
  getType(type: string): Promise<unknown>;
}

/**
 * The part of Electron's `clipboard` read here: `read()`, modelled on the W3C Clipboard API. Electron's
 * own module satisfies it (main/electron passes it in); tests pass a fake holding what a file manager
 * or a screenshot tool puts there.
 */
export interface ClipboardSource {
  read(): Promise<ClipboardItemLike[]>;
}

/**
 * How Electron names a platform format that has no standard MIME type (`FileNameW`,
 * `NSFilenamesPboardType`, `x-special/gnome-copied-files`).
 */
export function rawClipboardFormat(name: string): string {
  return `electron application/osclipboard;format="${name}"`;
}

/** What the clipboard holds, as far as uploading goes. */
export type ClipboardContent =
  | { kind: 'files'; paths: string[] }
  | { kind: 'image'; bytes: Buffer; extension: string }
  /** An image larger than Ferry takes from the clipboard. */
  | { kind: 'too-large'; size: number }
  | { kind: 'none' };

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

/** The clipboard's formats, each with the item that offers it (the first one, if several do). */
type Formats = Map<string, ClipboardItemLike>;

async function formatsOf(source: ClipboardSource): Promise<Formats> {
  const formats: Formats = new Map();
  for (const item of await source.read()) {
    for (const type of item.types) if (!formats.has(type)) formats.set(type, item);
  }
  return formats;
}

/** A format's payload as bytes; null when absent, unreadable, or over `limit` bytes. */
async function bytesOf(formats: Formats, type: string, limit = maxClipboardText): Promise<Buffer | null> {
  const item = formats.get(type);
  if (item === undefined) return null;
  try {
    const value = await item.getType(type);
    if (value instanceof Blob) return value.size > limit ? null : Buffer.from(await value.arrayBuffer());
    if (value instanceof Uint8Array) return value.length > limit ? null : Buffer.from(value);
    if (typeof value === 'string') return value.length > limit ? null : Buffer.from(value, 'utf8');
  } catch {
    // A format listed but gone by the time it is read (the clipboard changed): as good as absent.
  }
  return null;
}

async function textOf(formats: Formats, type: string): Promise<string> {
  return (await bytesOf(formats, type))?.toString('utf8') ?? '';
}

/**
 * Files copied in the OS file manager. Electron offers them as `text/uri-list` where it maps the
 * platform's file list to it, and as the raw formats file managers write: GNOME's
 * `x-special/gnome-copied-files`, Finder's `NSFilenamesPboardType` (every file) and `public.file-url`
 * (the first), Explorer's `FileNameW` (one file). Some hold only the first file, so the longest list wins.
 */
async function copiedFiles(formats: Formats, platform: NodeJS.Platform): Promise<string[]> {
  const fileNameW = await bytesOf(formats, rawClipboardFormat('FileNameW'));
  const fromFileNameW = fileNameW === null ? null : pathFromFileNameW(fileNameW);
  const candidates = [
    pathsFromUriList(await textOf(formats, 'text/uri-list'), platform),
    pathsFromUriList(await textOf(formats, rawClipboardFormat('x-special/gnome-copied-files')), platform),
    pathsFromFilenamesPlist(await textOf(formats, rawClipboardFormat('NSFilenamesPboardType'))),
    pathsFromUriList(await textOf(formats, rawClipboardFormat('public.file-url')), platform),
    fromFileNameW === null ? [] : [fromFileNameW],
  ];
  return candidates.reduce((longest, paths) => (paths.length > longest.length ? paths : longest), []);
}

/**
 * What to upload from the clipboard, in this order: files copied in a file manager (before the image:
 * Finder also puts the file's icon on the clipboard), an image (a screenshot, "Copy image"), then text
 * that is a `data:` image URL. Plain text is never read as paths: any web page can put text there.
 * Paths are returned as the clipboard lists them, unchecked. An image over `maxImageBytes` is
 * reported by its size, unread.
 */
export async function readClipboard(
  source: ClipboardSource,
  platform: NodeJS.Platform,
  maxImageBytes = maxStagedBytes,
): Promise<ClipboardContent> {
  const formats = await formatsOf(source);
  const files = (await copiedFiles(formats, platform)).slice(0, maxCopiedFiles);
  if (files.length > 0) return { kind: 'files', paths: files };

  const image = formats.get('image/png');
  if (image !== undefined) {
    const bytes = await bytesOf(formats, 'image/png', maxImageBytes);
    if (bytes === null) {
      const blob = await image.getType('image/png').catch(() => null);
      if (blob instanceof Blob && blob.size > maxImageBytes) return { kind: 'too-large', size: blob.size };
    } else if (bytes.length > 0) {
      return { kind: 'image', bytes, extension: 'png' };
    }
  }

  const dataImage = imageFromDataUrl(await textOf(formats, 'text/plain'));
  return dataImage === null ? { kind: 'none' } : { kind: 'image', ...dataImage };
}

const twoDigits = (value: number): string => String(value).padStart(2, '0');

/** `Screenshot 2026-12-04 17.06.03.png` (local time; dots, as a colon is not allowed in Windows names). */
export function screenshotName(date: Date, extension: string): string {
  const day = `${date.getFullYear()}-${twoDigits(date.getMonth() + 1)}-${twoDigits(date.getDate())}`;
  const time = `${twoDigits(date.getHours())}.${twoDigits(date.getMinutes())}.${twoDigits(date.getSeconds())}`;
  return `Screenshot ${day} ${time}.${extension}`;
}

export interface ClipboardIntakeOptions {
  /** Electron's clipboard in the app; null where Ferry has none to read (web shell, CLI). */
  clipboard: ClipboardSource | null;
  platform: NodeJS.Platform;
  staging: Pick<StagingArea, 'stage' | 'discard'>;
  defaultAccountId(): string | null;
  /**
   * Files the user copied in the OS file manager are files the user handed to Ferry, as a drop is: this
   * is the one place where clipboard paths enter, so they are granted here (path-grants.ts) before
   * `add` or, without an account, the picker names them in `uploads.add`.
   */
  grant(paths: readonly string[]): void;
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
    const content = await readClipboard(clipboard, platform);
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
    if (content.kind === 'too-large') {
      throw new CommandError({
        code: 'file-too-large',
        message: `The image on the clipboard is ${content.size} bytes; Ferry takes at most ${maxStagedBytes / 1024 / 1024} MiB from the clipboard. Save it as a file and drop that.`,
      });
    }
    if (content.kind === 'image') {
      const name = screenshotName(this.#options.now?.() ?? new Date(), content.extension);
      return { paths: [await this.#options.staging.stage(name, content.bytes)], source: 'image' };
    }
    // A file deleted since it was copied is left out; the others go.
    const present = await existing(content.paths);
    if (present.length === 0) return null;
    this.#options.grant(present);
    return { paths: present, source: 'files' };
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
