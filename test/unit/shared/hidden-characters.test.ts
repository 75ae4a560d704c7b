import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeHidden,
  hiddenCharacters,
  nameParts,
  unescapeHidden,
} from '../../../shared/hidden-characters.ts';

/** Every character the brief names, and the other invisible ones Ferry escapes. */
const hiddenSamples = [
  ...Array.from({ length: 0x20 }, (_, i) => i),
  0x7f,
  0x85,
  0x9b,
  0xad,
  0x061c,
  0x200b,
  0x200c,
  0x200d,
  0x200e,
  0x200f,
  0x2028,
  0x2029,
  0x202a,
  0x202b,
  0x202c,
  0x202d,
  0x202e,
  0x2060,
  0x2066,
  0x2067,
  0x2068,
  0x2069,
  0x3164,
  0xfeff,
  0xe0041,
].map((codePoint) => String.fromCodePoint(codePoint));

/** Text that mixes ordinary characters (any plane), hidden ones and literal backslash-u sequences. */
const nameLike = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
      { weight: 2, arbitrary: fc.constantFrom(...hiddenSamples) },
      { weight: 1, arbitrary: fc.constantFrom('\\u', '\\u202E', '\\u{41}', '\\', '{', 'u') },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
    ),
    { maxLength: 24 },
  )
  .map((pieces) => pieces.join(''));

describe('escapeHidden', () => {
  it('shows a right-to-left override as \\u202E, so the real extension stays last', () => {
    expect(escapeHidden('photo\u202Egnp.exe')).toBe('photo\\u202Egnp.exe');
    expect(nameParts('photo\u202Egnp.exe')).toEqual([
      { kind: 'text', text: 'photo' },
      { kind: 'escape', original: '\u202E', shown: '\\u202E', codePoint: 0x202e },
      { kind: 'text', text: 'gnp.exe' },
    ]);
  });

  it.each(hiddenSamples.map((char) => [char.codePointAt(0)!.toString(16), char]))(
    'escapes U+%s',
    (_hex, char) => {
      const shown = escapeHidden(`a${char}b`);
      expect(shown).toMatch(/^a\\u(\{[0-9A-F]+\}|[0-9A-F]{4})b$/);
      expect(hiddenCharacters(shown)).toEqual([]);
    },
  );

  it('keeps joiners that join: emoji sequences and scripts written with them', () => {
    for (const name of ['👩‍💻.png', '👨‍👩‍👧 family.jpg', 'می‌خواهم.pdf', 'क्‍ष.txt', '照片 2026.heic', 'café.png']) {
      expect(escapeHidden(name)).toBe(name);
    }
    // Between Latin letters a joiner only hides something.
    expect(escapeHidden('pay\u200Dpal.exe')).toBe('pay\\u200Dpal.exe');
    expect(escapeHidden('\u200D👩')).toBe('\\u200D👩');
  });

  it('escapes a lone surrogate and a literal backslash-u, so every escape on screen is a hidden character', () => {
    expect(escapeHidden('a\uD800b')).toBe('a\\uD800b');
    expect(escapeHidden('C:\\users\\me')).toBe('C:\\u005Cusers\\me');
  });

  it('escapes a joiner next to a hidden letter (fast-check seed 956762362: Hangul filler, ZWJ, Armenian)', () => {
    const name = '\u3164\u200D\u0560';
    expect(escapeHidden(name)).toBe('\\u3164\\u200D\u0560');
    expect(hiddenCharacters(escapeHidden(name))).toEqual([]);
    expect(unescapeHidden(escapeHidden(name))).toBe(name);
  });

  it('property: the shown text holds no hidden character and round-trips to the name', () => {
    fc.assert(
      fc.property(nameLike, (name) => {
        const shown = escapeHidden(name);
        expect(hiddenCharacters(shown)).toEqual([]);
        expect(unescapeHidden(shown)).toBe(name);
        const parts = nameParts(name);
        expect(parts.map((part) => (part.kind === 'text' ? part.text : part.original)).join('')).toBe(name);
        expect(parts.map((part) => (part.kind === 'text' ? part.text : part.shown)).join('')).toBe(shown);
      }),
      { numRuns: 5000 },
    );
  });

  it('property: a name without hidden characters or backslash-u is shown as it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (name) => {
        fc.pre(hiddenCharacters(name).length === 0 && !name.includes('\\u'));
        expect(escapeHidden(name)).toBe(name);
      }),
      { numRuns: 3000 },
    );
  });
});
