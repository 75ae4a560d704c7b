import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { remoteNamingOf } from '../../../shared/catalog.ts';
import { s3RemoteNaming } from '../../../shared/catalog/s3.ts';
import { fitName } from '../../../shared/name-fit.ts';
import {
  plainRemoteNaming,
  remoteNamePatternProblem,
  remoteNamePatternShape,
  renderRemoteName,
  type RemoteNameValues,
} from '../../../shared/remote-name.ts';
import { processingPatchFromFields } from '../../../shared/processing.ts';

const sha256 = 'c0ffee'.repeat(10) + 'abcd';
const at = new Date('2026-03-05T07:08:09.123Z');

function values(name: string, overrides: Partial<RemoteNameValues> = {}): RemoteNameValues {
  return {
    name,
    time: at,
    sha256,
    uuid: '123e4567-e89b-42d3-a456-426614174000',
    random: (length) => 'f'.repeat(length),
    ...overrides,
  };
}

const bytes = (text: string) => Buffer.byteLength(text);

/** The S3 key Ferry made before patterns existed (main/providers/s3, as it was): the default must match it. */
function keyAsBefore(name: string, now: Date, unique: string): string {
  const year = String(now.getUTCFullYear());
  const month = String(now.getUTCMonth() + 1).padStart(2, '0');
  const cleaned =
    [...name.replace(/\p{Cs}/gu, '\uFFFD')]
      .map((char) =>
        char.charCodeAt(0) < 0x20 || char === '\u007f' || char === '\\' || char === '/' ? '_' : char,
      )
      .join('') || 'file';
  const head = `${unique}-`;
  return `${year}/${month}/${head}${fitName(cleaned, 200 - bytes(head))}`;
}

describe('renderRemoteName', () => {
  it('fills every placeholder; time in UTC, {hash:N} from the digest of the bytes sent', () => {
    const pattern = '{yyyy}{mm}{dd}-{hh}{mi}{ss}-{timestamp}-{hash:8}-{uuid}-{rand:5}-{name}.{ext}';
    expect(renderRemoteName(pattern, values('holiday.webp'), plainRemoteNaming)).toBe(
      `20260305-070809-${at.getTime()}-c0ffeec0-123e4567-e89b-42d3-a456-426614174000-fffff-holiday.webp`,
    );
  });

  it('drops the dot of ".{ext}" for a file without an extension, and keeps a dot the name has', () => {
    expect(renderRemoteName('{name}.{ext}', values('README'), plainRemoteNaming)).toBe('README');
    expect(renderRemoteName('x-{name}.{ext}', values('archive.tar.gz'), plainRemoteNaming)).toBe(
      'x-archive.tar.gz',
    );
  });

  it('makes folders on S3 only; elsewhere the name after the last "/"', () => {
    const pattern = 'shots/{yyyy}/{name}.{ext}';
    expect(renderRemoteName(pattern, values('a.png'), s3RemoteNaming)).toBe('shots/2026/a.png');
    expect(renderRemoteName(pattern, values('a.png'), remoteNamingOf('tus'))).toBe('a.png');
  });

  it('never lets a value make a folder or carry control characters and backslashes', () => {
    expect(renderRemoteName('{yyyy}/{name}.{ext}', values('a/b\\c\u0001.txt'), s3RemoteNaming)).toBe(
      '2026/a_b_c_.txt',
    );
  });

  it('refuses with a specific error a pattern that does not parse', () => {
    expect(remoteNamePatternProblem('{name}.{ext}')).toBeNull();
    expect(remoteNamePatternProblem('{nmae}.{ext}')).toMatch(/"\{nmae\}" is not a placeholder/);
    expect(remoteNamePatternProblem('{hash}')).toMatch(/\{hash:N\} needs a length N from 1 to 64/);
    expect(remoteNamePatternProblem('{rand:65}')).toMatch(/1 to 64/);
    expect(remoteNamePatternProblem('{name')).toMatch(/not closed/);
    expect(remoteNamePatternProblem('same-name.png')).toMatch(/same name/);
  });

  it('refuses with a specific error a name that cannot be made safe', () => {
    const render =
      (pattern: string, name = 'a.png') =>
      () =>
        renderRemoteName(pattern, values(name), s3RemoteNaming);
    expect(render('{yyyy}//{name}.{ext}')).toThrow(/empty folder name/);
    expect(render('../{name}.{ext}')).toThrow(/folder name "\.\."/);
    expect(render('{name}/')).toThrow(/empty name/);
    expect(render('{ext}/{name}', 'README')).toThrow(/empty folder name/);
    expect(render(`${'d'.repeat(201)}/{name}`)).toThrow(/folder name of 201 bytes/);
    expect(render(`${'d/'.repeat(512)}{name}`)).toThrow(/leaving none for the name/);
  });

  it('cuts the file name, not the drawn parts or the extension, to fit the provider', () => {
    const name = `${'照'.repeat(100)}.jpg`;
    const rendered = renderRemoteName('{hash:16}-{name}.{ext}', values(name), plainRemoteNaming);
    expect(bytes(rendered)).toBeLessThanOrEqual(255);
    expect(rendered.startsWith(`${sha256.slice(0, 16)}-照`)).toBe(true);
    expect(rendered.endsWith('照.jpg')).toBe(true);
  });

  it('the S3 default reproduces the key Ferry made before patterns, for any name, time and random part', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 120 }),
          fc
            .tuple(fc.string({ maxLength: 250 }), fc.constantFrom('.jpg', '.webp', '.tar.gz', '', '.'))
            .map(([stem, ext]) => stem + ext),
        ),
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 16, maxLength: 16 }),
        (name, time, unique) => {
          const rendered = renderRemoteName(
            s3RemoteNaming.defaultPattern,
            values(name, { time, random: () => unique }),
            s3RemoteNaming,
          );
          expect(rendered).toBe(keyAsBefore(name, time, unique));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('whatever the pattern and name, a name it makes is safe: within the byte limits, no control characters, no empty or dot segments', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '{name}',
        '{ext}',
        '.{ext}',
        '{yyyy}',
        '{mm}',
        '{dd}',
        '{hh}',
        '{mi}',
        '{ss}',
        '{timestamp}',
        '{hash:8}',
        '{uuid}',
        '{rand:4}',
        '/',
        '-',
        '.',
      ),
      fc.string({ unit: 'grapheme', maxLength: 40 }).filter((text) => !/[{}]/.test(text)),
      // Control characters, backslashes and lone surrogates, in the pattern's own text as in names.
      fc.string({ unit: 'binary', maxLength: 6 }).filter((text) => !/[{}]/.test(text)),
      fc.constantFrom('\\', '\u0007', '\uD800'),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 8 }),
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 40 }),
        ),
        fc.constantFrom(s3RemoteNaming, plainRemoteNaming),
        (pieces, name, naming) => {
          const pattern = pieces.join('');
          if (remoteNamePatternProblem(pattern) !== null) return;
          let rendered: string;
          try {
            rendered = renderRemoteName(pattern, values(name), naming);
          } catch (error) {
            expect((error as Error).name).toBe('RemoteNameError');
            return;
          }
          expect(bytes(rendered)).toBeLessThanOrEqual(naming.maxBytes);
          const unsafe = [...rendered].filter(
            (char) => char.charCodeAt(0) < 0x20 || char === '\u007f' || char === '\\' || /\p{Cs}/u.test(char),
          );
          expect(unsafe).toEqual([]);
          const segments = rendered.split('/');
          if (!naming.folders) expect(segments).toHaveLength(1);
          for (const segment of segments) {
            expect(['', '.', '..']).not.toContain(segment);
            expect(bytes(segment)).toBeLessThanOrEqual(naming.maxSegmentBytes);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('the same pattern and values make the same name: a preview shows what the engine makes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (name) => {
        const pattern = '{yyyy}/{hash:12}-{name}.{ext}';
        expect(renderRemoteName(pattern, values(name), s3RemoteNaming)).toBe(
          renderRemoteName(pattern, values(name), s3RemoteNaming),
        );
      }),
    );
  });
});

describe('remoteNamePatternShape', () => {
  it('accepts exactly the patterns that parse (and the empty one), so a JSON Schema says the same', () => {
    const piece = fc.oneof(
      fc.constantFrom('{name}', '{ext}', '{ss}', '{uuid}', '{hash:8}', '{rand:64}', '{hash:65}', '{rand:08}'),
      fc.constantFrom('{', '}', '{nam}', '{hash}', '{hash:0}', '/', '.', '\n'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), (pieces) => {
        const pattern = pieces.join('');
        const parses = pattern === '' || remoteNamePatternProblem(pattern) === null;
        expect(remoteNamePatternShape.test(pattern), JSON.stringify(pattern)).toBe(parses);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the rename setting', () => {
  it('is checked where processing settings are: an account field or a flag with a bad pattern is refused by name', () => {
    expect(processingPatchFromFields({ rename: '{hash:8}.{ext}' })).toEqual({ rename: '{hash:8}.{ext}' });
    expect(processingPatchFromFields({ rename: '' })).toEqual({ rename: '' });
    expect(() => processingPatchFromFields({ 'process.rename': '{when}' }, 'process.')).toThrow(
      /Processing setting "rename": "\{when\}" is not a placeholder/,
    );
  });
});
