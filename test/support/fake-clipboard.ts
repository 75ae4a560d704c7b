import { pathToFileURL } from 'node:url';
import type { ClipboardSource } from '../../main/service/clipboard-intake.ts';

/**
 * Electron's `clipboard` mocked (the Electron binary cannot run here), holding what each platform's
 * file manager or screenshot tool puts on the system clipboard, byte for byte as the formats are
 * documented: GNOME/KDE's `text/uri-list` and `x-special/gnome-copied-files`, Finder's
 * `NSFilenamesPboardType` plist and `public.file-url` (plus the file's icon as an image), Explorer's
 * `FileNameW`. `writeText` replaces everything, as the real one does.
 */
export class FakeClipboard implements ClipboardSource {
  #formats = new Map<string, Buffer>();
  #image: Buffer | null = null;
  #text = '';
  /** Every text written, oldest first (what Ferry put on the clipboard). */
  readonly written: string[] = [];

  availableFormats(): string[] {
    const formats = [...this.#formats.keys()];
    if (this.#image !== null) formats.push('image/png');
    if (this.#text !== '') formats.push('text/plain');
    return formats;
  }

  readImage(): { isEmpty(): boolean; toPNG(): Buffer } {
    const image = this.#image;
    return { isEmpty: () => image === null, toPNG: () => image ?? Buffer.alloc(0) };
  }

  readText(): string {
    return this.#text;
  }

  read(format: string): string {
    return this.#formats.get(format)?.toString('utf8') ?? '';
  }

  readBuffer(format: string): Buffer {
    return this.#formats.get(format) ?? Buffer.alloc(0);
  }

  writeText(text: string): void {
    this.clear();
    this.#text = text;
    this.written.push(text);
  }

  clear(): void {
    this.#formats = new Map();
    this.#image = null;
    this.#text = '';
  }

  /** A screenshot tool's "copy": PNG bytes (Electron hands them back through NativeImage.toPNG). */
  copyImage(png: Buffer): void {
    this.clear();
    this.#image = png;
  }

  copyText(text: string): void {
    this.clear();
    this.#text = text;
  }

  /** Files copied in the platform's file manager. */
  copyFiles(paths: readonly string[], platform: NodeJS.Platform, icon: Buffer | null = null): void {
    this.clear();
    const urls = paths.map((path) => pathToFileURL(path).href);
    if (platform === 'linux') {
      this.#formats.set('text/uri-list', Buffer.from(urls.map((url) => `${url}\r\n`).join('')));
      this.#formats.set('x-special/gnome-copied-files', Buffer.from(['copy', ...urls].join('\n')));
      this.#text = paths.join('\n');
    } else if (platform === 'darwin') {
      const strings = paths.map((path) => `\t<string>${escapeXml(path)}</string>`).join('\n');
      const plist = `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<array>\n${strings}\n</array>\n</plist>\n`;
      this.#formats.set('NSFilenamesPboardType', Buffer.from(plist));
      this.#formats.set('public.file-url', Buffer.from(urls[0] ?? ''));
      // Finder also offers the (first) file's icon as an image.
      this.#image = icon;
      this.#text = paths.map((path) => path.split('/').pop()).join('\r');
    } else if (platform === 'win32') {
      // Only the first file is in FileNameW; Electron reads the list format as empty (electron#39853).
      this.#formats.set('FileNameW', Buffer.from(`${paths[0] ?? ''}\0`, 'utf16le'));
      this.#formats.set('text/uri-list', Buffer.alloc(0));
    }
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
