import { describe, expect, it } from 'vitest';
import {
  imageFromDataUrl,
  pathFromFileNameW,
  pathsFromFilenamesPlist,
  pathsFromUriList,
  readClipboard,
  screenshotName,
} from '../../../main/service/clipboard-intake.ts';
import { FakeClipboard } from '../../support/fake-clipboard.ts';

// The clipboard formats as file managers write them (fake clipboard: Electron binary unavailable).

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('reading copied files', () => {
  it('text/uri-list: CRLF lines, comments, percent-encoding; web links and other hosts left out', () => {
    const list =
      '# copied by Dolphin\r\nfile:///home/me/My%20Photo.png\r\nhttps://example.com/a.png\r\n' +
      'file://otherhost/share/b.png\r\nfile:///home/me/%E6%88%AA%E5%9B%BE.png\r\n';
    expect(pathsFromUriList(list, 'linux')).toEqual(['/home/me/My Photo.png', '/home/me/截图.png']);
  });

  it('x-special/gnome-copied-files: the copy/cut line is not a file', () => {
    expect(pathsFromUriList('cut\nfile:///tmp/a.txt\nfile:///tmp/b.txt', 'linux')).toEqual([
      '/tmp/a.txt',
      '/tmp/b.txt',
    ]);
  });

  it('file URIs of Windows drives become Windows paths', () => {
    expect(pathsFromUriList('file:///C:/Users/me/shot%201.png', 'win32')).toEqual([
      'C:\\Users\\me\\shot 1.png',
    ]);
  });

  it('FileNameW: one UTF-16LE path up to its NUL, or nothing', () => {
    expect(pathFromFileNameW(Buffer.from('C:\\Users\\me\\截图.png\0\0garbage', 'utf16le'))).toBe(
      'C:\\Users\\me\\截图.png',
    );
    expect(pathFromFileNameW(Buffer.alloc(0))).toBeNull();
  });

  it('NSFilenamesPboardType: every path of the plist, XML entities decoded', () => {
    const plist =
      '<?xml version="1.0"?><plist version="1.0"><array><string>/Users/me/a &amp; b.png</string>' +
      '<string>/Users/me/&#x6587;.pdf</string></array></plist>';
    expect(pathsFromFilenamesPlist(plist)).toEqual(['/Users/me/a & b.png', '/Users/me/文.pdf']);
  });
});

describe('data: URLs', () => {
  it('takes base64 images with the extension of their type', () => {
    const url = `data:image/jpeg;base64,${png.toString('base64')}`;
    expect(imageFromDataUrl(url)).toEqual({ bytes: png, extension: 'jpg' });
    expect(imageFromDataUrl(`  data:image/PNG;base64,${png.toString('base64')}\n`)?.extension).toBe('png');
  });

  it.each([
    'data:text/html;base64,PGI+aGk8L2I+',
    'data:image/svg+xml;base64,PHN2Zy8+',
    'data:image/png,rawbytes',
    'data:image/png;base64,',
    'see data:image/png;base64,AAAA',
  ])('refuses %s', (url) => {
    expect(imageFromDataUrl(url)).toBeNull();
  });
});

describe('readClipboard: what each platform puts there', () => {
  it('Linux: the file manager list, in order', async () => {
    const clipboard = new FakeClipboard();
    clipboard.copyFiles(['/home/me/b.png', '/home/me/a b.png'], 'linux');
    expect(await readClipboard(clipboard, 'linux')).toEqual({
      kind: 'files',
      paths: ['/home/me/b.png', '/home/me/a b.png'],
    });
  });

  it("macOS: every file of Finder's plist (public.file-url has the first only), not the icon image", async () => {
    const clipboard = new FakeClipboard();
    clipboard.copyFiles(['/Users/me/one.pdf', '/Users/me/two.pdf'], 'darwin', png);
    expect(await readClipboard(clipboard, 'darwin')).toEqual({
      kind: 'files',
      paths: ['/Users/me/one.pdf', '/Users/me/two.pdf'],
    });
  });

  it("Windows: Explorer's FileNameW", async () => {
    const clipboard = new FakeClipboard();
    clipboard.copyFiles(['C:\\Users\\me\\report.pdf', 'C:\\Users\\me\\other.pdf'], 'win32');
    expect(await readClipboard(clipboard, 'win32')).toEqual({
      kind: 'files',
      paths: ['C:\\Users\\me\\report.pdf'],
    });
  });

  it('an image, as PNG; one over the bound is reported by its size, unread', async () => {
    const clipboard = new FakeClipboard();
    clipboard.copyImage(png);
    expect(await readClipboard(clipboard, 'linux')).toEqual({ kind: 'image', bytes: png, extension: 'png' });
    expect(await readClipboard(clipboard, 'linux', 10)).toEqual({ kind: 'too-large', size: png.length });
  });

  it('text: a data: image URL is an image; paths typed as text are not files (any page can write text)', async () => {
    const clipboard = new FakeClipboard();
    clipboard.copyText(`data:image/webp;base64,${png.toString('base64')}`);
    expect(await readClipboard(clipboard, 'linux')).toMatchObject({ kind: 'image', extension: 'webp' });
    clipboard.copyText('/home/me/.ssh/id_ed25519');
    expect(await readClipboard(clipboard, 'linux')).toEqual({ kind: 'none' });
    clipboard.clear();
    expect(await readClipboard(clipboard, 'darwin')).toEqual({ kind: 'none' });
  });

  it('a format that vanishes between listing and reading counts as absent', async () => {
    const flaky = {
      read: async () => [
        {
          types: ['text/uri-list', 'image/png'],
          getType: async (type: string) => {
            if (type === 'text/uri-list') throw new DOMException('gone', 'NotFoundError');
            return new Blob([png]);
          },
        },
      ],
    };
    expect(await readClipboard(flaky, 'linux')).toMatchObject({ kind: 'image' });
  });
});

describe('screenshotName', () => {
  it('is the local date and time with dots, never a colon', () => {
    expect(screenshotName(new Date(2026, 11, 4, 17, 6, 3), 'png')).toBe('Screenshot 2026-12-04 17.06.03.png');
    expect(screenshotName(new Date(2027, 0, 9, 8, 0, 0), 'jpg')).toBe('Screenshot 2027-01-09 08.00.00.jpg');
  });
});
