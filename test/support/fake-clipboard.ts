import { pathToFileURL } from 'node:url';
import {
  rawClipboardFormat,
  type ClipboardItemLike,
  type ClipboardSource,
} from '../../main/service/clipboard-intake.ts';

/**
 * Electron's `clipboard` mocked (the Electron binary cannot run here): `read()` answers one item whose
 * formats hold, byte for byte, what each platform's file manager or screenshot tool puts on the system
 * clipboard; platform formats with no MIME type carry Electron's `electron application/osclipboard`
 * name. `writeText` replaces everything, as the real one does.
 */
export class FakeClipboard implements ClipboardSource {
  #formats = new Map<string, Buffer>();
  /** Every text written, oldest first (what Ferry put on the clipboard). */
  readonly written: string[] = [];
  /** How many times the clipboard was read. */
  reads = 0;

  async read(): Promise<ClipboardItemLike[]> {
    this.reads++;
    if (this.#formats.size === 0) return [];
    const formats = new Map(this.#formats);
    return [
      {
        types: [...formats.keys()],
        getType: async (type) => {
          const bytes = formats.get(type);
          if (bytes === undefined) throw new DOMException(`${type} is not on the clipboard`, 'NotFoundError');
          return new Blob([new Uint8Array(bytes)]);
        },
      },
    ];
  }

  async writeText(text: string): Promise<void> {
    this.copyText(text);
    this.written.push(text);
  }

  /** The text on the clipboard now (what a paste would give). */
  get text(): string | null {
    return this.#formats.get('text/plain')?.toString('utf8') ?? null;
  }

  clear(): void {
    this.#formats = new Map();
  }

  /** A screenshot tool's "copy": PNG bytes. */
  copyImage(png: Buffer): void {
    this.clear();
    this.#formats.set('image/png', png);
  }

  copyText(text: string): void {
    this.clear();
    this.#formats.set('text/plain', Buffer.from(text, 'utf8'));
  }

  /** Files copied in the platform's file manager. */
  copyFiles(paths: readonly string[], platform: NodeJS.Platform, icon: Buffer | null = null): void {
    this.clear();
    const windows = platform === 'win32';
    const urls = paths.map((path) => pathToFileURL(path, { windows }).href);
    const uriList = Buffer.from(urls.map((url) => `${url}\r\n`).join(''));
    if (platform === 'linux') {
      this.#formats.set('text/uri-list', uriList);
      this.#formats.set(
        rawClipboardFormat('x-special/gnome-copied-files'),
        Buffer.from(['copy', ...urls].join('\n')),
      );
      this.#formats.set('text/plain', Buffer.from(paths.join('\n')));
    } else if (platform === 'darwin') {
      const strings = paths.map((path) => `\t<string>${escapeXml(path)}</string>`).join('\n');
      const plist = `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<array>\n${strings}\n</array>\n</plist>\n`;
      this.#formats.set(rawClipboardFormat('NSFilenamesPboardType'), Buffer.from(plist));
      // public.file-url (Electron's text/uri-list) names the first file only.
      this.#formats.set('text/uri-list', Buffer.from(`${urls[0] ?? ''}\r\n`));
      // Finder also offers the (first) file's icon as an image.
      if (icon !== null) this.#formats.set('image/png', icon);
      this.#formats.set('text/plain', Buffer.from(paths.map((path) => path.split('/').pop()).join('\r')));
    } else if (windows) {
      // Explorer's one-file FileNameW, NUL-terminated UTF-16LE.
      this.#formats.set(rawClipboardFormat('FileNameW'), Buffer.from(`${paths[0] ?? ''}\0`, 'utf16le'));
    }
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
