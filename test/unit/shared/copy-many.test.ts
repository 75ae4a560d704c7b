import { describe, expect, it } from 'vitest';
import { copyFormatsForAll, preferredFormat, renderAll } from '../../../shared/copy-formats/copy-many.ts';
import type { HistoryEntryView } from '../../../shared/models.ts';

const entry = (id: string, providerId: string, name: string): HistoryEntryView => ({
  id,
  accountId: 'a',
  providerId,
  name,
  size: 10,
  mimeType: name.endsWith('.png') ? 'image/png' : 'text/plain',
  sha256: 'f'.repeat(64),
  remoteId: `remote-${id}`,
  links: [{ kind: 'original', url: `https://files.example.com/${id}` }],
  details: {},
  createdAt: 1,
});

const tencent = entry('t1', 'tencent-im', 'shot.png');
const tencentText = entry('t2', 'tencent-im', 'notes.txt');
const s3 = entry('s1', 's3', 'photo.png');

describe('copying several entries', () => {
  it('offers only the formats that apply to every entry', () => {
    expect(copyFormatsForAll([tencent, tencentText]).map((format) => format.id)).toEqual([
      'url',
      'markdown',
      'html',
      'tencent-im-message',
    ]);
    expect(copyFormatsForAll([tencent, s3]).map((format) => format.id)).toEqual(['url', 'markdown', 'html']);
    expect(copyFormatsForAll([])).toEqual([]);
  });

  it('keeps the chosen format where it applies to all, else falls back to the first (the link)', () => {
    const mixed = copyFormatsForAll([tencent, s3]);
    expect(preferredFormat(mixed, 'markdown')?.id).toBe('markdown');
    expect(preferredFormat(mixed, 'tencent-im-message')?.id).toBe('url');
    expect(preferredFormat([], 'url')).toBeUndefined();
  });

  it('renders one entry per line, in the order given', () => {
    const [, markdown] = copyFormatsForAll([s3, tencentText]);
    expect(renderAll(markdown!, [s3, tencentText])).toBe(
      '![photo.png](https://files.example.com/s1)\n[notes.txt](https://files.example.com/t2)',
    );
    expect(renderAll(markdown!, [tencentText, s3]).split('\n')[0]).toBe(
      '[notes.txt](https://files.example.com/t2)',
    );
  });
});
