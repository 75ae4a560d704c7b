import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitName, isInside, safeFileName } from '../../main/file-names.ts';
import { tempDir } from '../support/temp.ts';

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const graphemes = (text: string) =>
  [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);

describe('safeFileName', () => {
  it('keeps only the last segment of a POSIX or Windows path', () => {
    expect(safeFileName('C:\\Users\\me\\photo.png')).toBe('photo.png');
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('notes/')).toBe('file');
  });

  it('gives "file" for names that mean a folder or nothing', () => {
    for (const name of ['', '.', '..', '   ', 'a/..']) expect(safeFileName(name)).toBe('file');
  });

  it('replaces control characters and characters Windows refuses', () => {
    expect(safeFileName('evil\u0001\u007f.txt')).toBe('evil__.txt');
    expect(safeFileName('a<b>c:d"e|f?g*.png')).toBe('a_b_c_d_e_f_g_.png');
  });

  it('keeps a name at most 255 bytes long in UTF-8, its extension kept', () => {
    const latin = safeFileName(`${'x'.repeat(300)}.jpg`);
    expect(latin).toBe(`${'x'.repeat(251)}.jpg`);
    expect(safeFileName('照片 2026.heic')).toBe('照片 2026.heic');
    // 150 characters but 454 bytes: what macOS or Windows allow, more than Linux file systems take.
    const chinese = safeFileName(`${'照'.repeat(150)}.jpg`);
    expect(utf8Bytes(chinese)).toBeLessThanOrEqual(255);
    expect(chinese).toBe(`${'照'.repeat(83)}.jpg`);
  });

  it('never cuts a surrogate pair, and the result can be created as a file', () => {
    const name = safeFileName(`x${'😀'.repeat(150)}.png`);
    expect(name).not.toMatch(/\p{Cs}/u);
    expect(name).toBe(`x${'😀'.repeat(62)}.png`);
    const dir = tempDir('ferry-names-');
    for (const given of [`${'照'.repeat(150)}.jpg`, `x${'😀'.repeat(150)}.png`, `${'é'.repeat(200)}`]) {
      expect(() => writeFileSync(join(dir, safeFileName(given)), 'x')).not.toThrow();
    }
  });
});

describe('fitName', () => {
  it('returns a name that fits as it is', () => {
    expect(fitName('photo.jpg', 9)).toBe('photo.jpg');
  });

  it('cuts the stem and keeps the extension', () => {
    expect(fitName('holiday-photo.jpeg', 12)).toBe('holiday.jpeg');
    expect(fitName('archive.tar.gz', 10)).toBe('archive.gz');
  });

  it('cuts between graphemes: a flag, an emoji sequence or an accent stays whole or goes', () => {
    expect(fitName('ab🇯🇵🇯🇵.png', 14)).toBe('ab🇯🇵.png');
    expect(fitName('👩‍💻👩‍💻.png', 16)).toBe('👩‍💻.png');
    // "é" written as e + a combining accent is one grapheme: it is not split from its accent.
    expect(fitName('cafe\u0301s.txt', 9)).toBe('caf.txt');
  });

  it('treats a long or leading-dot suffix as part of the stem', () => {
    expect(fitName('.bashrc-with-a-long-name', 8)).toBe('.bashrc-');
    expect(fitName(`notes.${'x'.repeat(40)}`, 10)).toBe('notes.xxxx');
  });

  it('finds the extension after a line separator or a newline too', () => {
    // Found by the property below (seed 1086528882): `.` without the s flag stops at U+2028.
    expect(fitName('\u0800\u0800\u2028.数据', 15)).toBe('\u0800\u0800.数据');
    expect(fitName('abcdef\n.jpg', 9)).toBe('abcde.jpg');
  });

  it('property: at most maxBytes, well formed, whole graphemes of the start, the extension kept when there was room', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
        fc.constantFrom('', '.jpg', '.tar.gz', '.数据'),
        fc.integer({ min: 8, max: 120 }),
        (stem, extension, maxBytes) => {
          const name = `${stem}${extension}`;
          const fitted = fitName(name, maxBytes);
          expect(utf8Bytes(fitted)).toBeLessThanOrEqual(maxBytes);
          expect(fitted).not.toMatch(/\p{Cs}/u);
          if (utf8Bytes(name) <= maxBytes) {
            expect(fitted).toBe(name);
            return;
          }
          expect(fitted.length).toBeGreaterThan(0);
          // Some whole graphemes of the name's start, then some end of the name (its extension).
          const start = graphemes(name);
          const isGraphemePrefix = (text: string) => {
            const pieces = graphemes(text);
            return pieces.every((piece, i) => start[i] === piece);
          };
          const splits = Array.from({ length: fitted.length + 1 }, (_, at) => at).filter(
            (at) => name.endsWith(fitted.slice(at)) && isGraphemePrefix(fitted.slice(0, at)),
          );
          // Only a first grapheme larger than the whole room may be cut, and then between code points.
          if (utf8Bytes(start[0]!) <= maxBytes) expect(splits.length).toBeGreaterThan(0);
          const last = extension.slice(extension.lastIndexOf('.'));
          const roomBeside = maxBytes - utf8Bytes(last) >= utf8Bytes(start[0]!);
          if (extension !== '' && utf8Bytes(last) * 2 < maxBytes && roomBeside)
            expect(fitted.endsWith(last)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('isInside', () => {
  const folder = join('/', 'data', 'staging');
  it.each([
    [join(folder, 'a', 'b.png'), true],
    [join(folder, '..notes'), true],
    [folder, false],
    [join(folder, '..'), false],
    [join(folder, '..', 'vault.key'), false],
    [join('/', 'data', 'staging-other', 'x'), false],
    [join('/', 'elsewhere'), false],
  ])('%s → %s', (path, inside) => {
    expect(isInside(folder, path)).toBe(inside);
  });
});
