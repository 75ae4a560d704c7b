import { describe, expect, it } from 'vitest';
import { htmlFormat, markdownFormat, urlFormat } from '../../../shared/copy-formats/basic.ts';
import { copyFormat, copyFormats, copyFormatsFor } from '../../../shared/copy-formats/index.ts';
import { timFileElem, timImageElem, timImageFormat } from '../../../shared/copy-formats/tencent-im.ts';
import type { HistoryEntryView } from '../../../shared/models.ts';

const image: HistoryEntryView = {
  id: 'h1',
  accountId: 'a',
  providerId: 'tencent-im',
  name: 'cat [1] <b>.png',
  size: 1853095,
  mimeType: 'image/png',
  sha256: 'f'.repeat(64),
  remoteId: '1400123_D61040894AC3DE44CDFFFB3EC7EB720F',
  links: [
    {
      kind: 'original',
      url: 'https://pic.example.com/o/cat (1).png',
      width: 2448,
      height: 3264,
      size: 1853095,
    },
    { kind: 'small', url: 'https://pic.example.com/s.png', width: 198, height: 264, size: 12000 },
    { kind: 'large', url: 'https://pic.example.com/l.png', width: 720, height: 960 },
  ],
  details: {},
  createdAt: 1,
};

const file: HistoryEntryView = {
  ...image,
  id: 'h2',
  name: 'report "Q1" & more.pdf',
  mimeType: 'application/pdf',
  size: 1773552,
  remoteId: 'file-uuid',
  links: [{ kind: 'original', url: 'https://files.example.com/r.pdf?a=1&b=2' }],
};

describe('copy formats', () => {
  it('url: the original link', () => {
    expect(urlFormat(image)).toBe('https://pic.example.com/o/cat (1).png');
    expect(urlFormat({ ...file, links: [{ kind: 'download', url: 'https://d/x' }] })).toBe('https://d/x');
  });

  it('markdown: an image for images, a link otherwise, escaped', () => {
    expect(markdownFormat(image)).toBe(
      '![cat \\[1\\] \\<b\\>.png](https://pic.example.com/o/cat%20%281%29.png)',
    );
    expect(markdownFormat(file)).toBe('[report "Q1" & more.pdf](https://files.example.com/r.pdf?a=1&b=2)');
    // A non-web link never becomes clickable.
    expect(markdownFormat({ ...file, links: [{ kind: 'original', url: 'javascript:alert(1)' }] })).toBe(
      '[report "Q1" & more.pdf]()',
    );
  });

  it('html: <img> with size for images, <a> otherwise, escaped', () => {
    expect(htmlFormat(image)).toBe(
      '<img src="https://pic.example.com/o/cat (1).png" alt="cat [1] &lt;b&gt;.png" width="2448" height="3264">',
    );
    expect(htmlFormat(file)).toBe(
      '<a href="https://files.example.com/r.pdf?a=1&amp;b=2">report &quot;Q1&quot; &amp; more.pdf</a>',
    );
  });

  it('Tencent IM TIMImageElem: original 1 / large 2 / thumbnail 3 from original/large/small', () => {
    expect(timImageElem(image)).toEqual({
      MsgType: 'TIMImageElem',
      MsgContent: {
        UUID: '1400123_D61040894AC3DE44CDFFFB3EC7EB720F',
        ImageFormat: 3,
        ImageInfoArray: [
          { Type: 1, Size: 1853095, Width: 2448, Height: 3264, URL: 'https://pic.example.com/o/cat (1).png' },
          { Type: 2, Size: 0, Width: 720, Height: 960, URL: 'https://pic.example.com/l.png' },
          { Type: 3, Size: 12000, Width: 198, Height: 264, URL: 'https://pic.example.com/s.png' },
        ],
      },
    });
    expect(['image/jpeg', 'image/gif', 'image/png', 'image/bmp', 'image/webp'].map(timImageFormat)).toEqual([
      1, 2, 3, 4, 255,
    ]);
  });

  it('Tencent IM TIMFileElem for other files', () => {
    expect(timFileElem(file)).toEqual({
      MsgType: 'TIMFileElem',
      MsgContent: {
        Url: 'https://files.example.com/r.pdf?a=1&b=2',
        UUID: 'file-uuid',
        FileSize: 1773552,
        FileName: 'report "Q1" & more.pdf',
        Download_Flag: 2,
      },
    });
    expect(JSON.parse(copyFormat('tencent-im-message')!.render(file))).toEqual(timFileElem(file));
  });

  it('index: unique ids, provider formats only for their provider', () => {
    expect(new Set(copyFormats.map((format) => format.id)).size).toBe(copyFormats.length);
    expect(copyFormatsFor(image).map((format) => format.id)).toEqual([
      'url',
      'markdown',
      'html',
      'tencent-im-message',
    ]);
    const easemob: HistoryEntryView = {
      ...file,
      providerId: 'easemob',
      details: { url: 'https://a1.easemob.com/org/app/chatfiles/uuid', shareSecret: 's3cr3t' },
    };
    expect(copyFormatsFor(easemob).map((format) => format.id)).toEqual([
      'url',
      'markdown',
      'html',
      'easemob-message-body',
    ]);
    expect(JSON.parse(copyFormat('easemob-message-body')!.render(easemob))).toMatchObject({
      url: 'https://a1.easemob.com/org/app/chatfiles/uuid',
      secret: 's3cr3t',
    });
  });
});
