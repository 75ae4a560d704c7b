/**
 * Characters that change how a text reads without being seen: controls, direction overrides and
 * isolates, zero-width characters, invisible fillers. A file name keeps them (it is the user's file),
 * but wherever Ferry shows a name they are shown as escapes, so `photo\u202Egnp.exe` cannot pass for
 * a PNG (the override would draw it as "photoexe.png").
 */

/** [first, last] code point ranges, inclusive. */
const hiddenRanges: ReadonlyArray<readonly [number, number]> = [
  [0x0000, 0x001f], // C0 controls (also the terminal's ESC)
  [0x007f, 0x009f], // DEL and C1 controls
  [0x00ad, 0x00ad], // soft hyphen
  [0x061c, 0x061c], // Arabic letter mark
  [0x115f, 0x1160], // Hangul fillers: drawn as nothing
  [0x180e, 0x180e], // Mongolian vowel separator
  [0x200b, 0x200f], // zero-width space, non-joiner, joiner; LRM, RLM
  [0x2028, 0x2029], // line and paragraph separators
  [0x202a, 0x202e], // embeddings and overrides
  [0x2060, 0x2064], // word joiner, invisible operators
  [0x2066, 0x2069], // isolates
  [0x206a, 0x206f], // deprecated format characters
  [0x3164, 0x3164], // Hangul filler
  [0xd800, 0xdfff], // a surrogate alone (a name from Windows may hold one)
  [0xfeff, 0xfeff], // zero-width no-break space, byte order mark
  [0xffa0, 0xffa0], // halfwidth Hangul filler
  [0xfff9, 0xfffb], // interlinear annotation
  [0xe0000, 0xe007f], // tags: invisible ASCII look-alikes
];

const zeroWidthNonJoiner = 0x200c;
const zeroWidthJoiner = 0x200d;
/** What may come right before a ZWJ inside an emoji sequence: a pictograph, VS16 or a skin tone. */
const pictograph = /^(?:\p{Extended_Pictographic}|\u{FE0F}|\p{Emoji_Modifier})$/u;
const startsPictograph = /^\p{Extended_Pictographic}/u;
const letterOrMark = /^[\p{L}\p{M}]$/u;
/** Scripts whose words never need a joiner; between their letters one only hides something. */
const unjoinedScript = /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Common}]$/u;

/** Any character of the ranges above, or a backslash: a name without one is shown as it is. */
const mayNeedEscape = new RegExp(
  `[${hiddenRanges.map(([first, last]) => `\\u{${first.toString(16)}}-\\u{${last.toString(16)}}`).join('')}\\\\]`,
  'u',
);

function inHiddenRange(codePoint: number): boolean {
  return hiddenRanges.some(([first, last]) => codePoint >= first && codePoint <= last);
}

/**
 * A joiner is part of the text when it joins: ZWJ inside an emoji sequence (👩‍💻), ZWJ or ZWNJ between
 * letters of a script that uses them (Persian, Devanagari, …). Elsewhere it only hides something.
 */
function joins(codePoint: number, before: string | undefined, after: string | undefined): boolean {
  if (before === undefined || after === undefined) return false;
  if (codePoint === zeroWidthJoiner && pictograph.test(before) && startsPictograph.test(after)) return true;
  // A hidden letter (the Hangul filler) is shown as its escape, so it cannot be what a joiner joins.
  const isJoiningLetter = (char: string) =>
    letterOrMark.test(char) && !unjoinedScript.test(char) && !inHiddenRange(char.codePointAt(0)!);
  return isJoiningLetter(before) && isJoiningLetter(after);
}

/** One piece of a name as shown: visible text, or a hidden character (or a literal `\u`) as its escape. */
export type NamePart =
  | { kind: 'text'; text: string }
  | {
      kind: 'escape';
      /** What the name holds here. */
      original: string;
      /** What is shown instead: `\u202E`, `\u{E0041}`. */
      shown: string;
      codePoint: number;
    };

function escapeOf(codePoint: number): string {
  const hex = codePoint.toString(16).toUpperCase();
  return codePoint > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`;
}

/**
 * The name in parts, for a view that styles escapes apart from the text. Joining every part's text and
 * `original` gives the name back; joining text and `shown` gives `escapeHidden(name)`. A backslash
 * followed by `u` is escaped too (`\u005C`), so an escape on screen always means a hidden character.
 */
export function nameParts(name: string): NamePart[] {
  // The common case, checked natively: a long history renders many names as it scrolls.
  if (!mayNeedEscape.test(name)) return name === '' ? [] : [{ kind: 'text', text: name }];
  const chars = [...name];
  const parts: NamePart[] = [];
  let text = '';
  chars.forEach((char, index) => {
    const codePoint = char.codePointAt(0)!;
    const hidden =
      (inHiddenRange(codePoint) &&
        !(
          (codePoint === zeroWidthJoiner || codePoint === zeroWidthNonJoiner) &&
          joins(codePoint, chars[index - 1], chars[index + 1])
        )) ||
      (char === '\\' && chars[index + 1] === 'u');
    if (!hidden) {
      text += char;
      return;
    }
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
    parts.push({ kind: 'escape', original: char, shown: escapeOf(codePoint), codePoint });
  });
  if (text !== '') parts.push({ kind: 'text', text });
  return parts;
}

/** The name with every hidden character written as `\uXXXX` (`\u{XXXXX}` beyond the BMP). */
export function escapeHidden(name: string): string {
  return nameParts(name)
    .map((part) => (part.kind === 'text' ? part.text : part.shown))
    .join('');
}

/** What `escapeHidden` was given: its escapes turned back into the characters they stand for. */
export function unescapeHidden(shown: string): string {
  return shown.replace(
    /\\u\{([0-9A-F]{1,6})\}|\\u([0-9A-F]{4})/g,
    (_match, astral?: string, bmp?: string) => {
      const codePoint = Number.parseInt(astral ?? bmp!, 16);
      // A lone surrogate cannot go through fromCodePoint's pairing; fromCharCode keeps it as it was.
      return codePoint <= 0xffff ? String.fromCharCode(codePoint) : String.fromCodePoint(codePoint);
    },
  );
}

/** The hidden characters of a text (a literal `\u` is not one), for fields that must not hold any. */
export function hiddenCharacters(text: string): number[] {
  return nameParts(text).flatMap((part) =>
    part.kind === 'escape' && part.original !== '\\' ? [part.codePoint] : [],
  );
}

/** `U+202E`: how a message names a code point. */
export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}
