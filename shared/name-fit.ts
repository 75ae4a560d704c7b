/**
 * Fitting a name into a byte budget without breaking a character. In shared/ (no Node) because the
 * service names files with it and the renderer previews remote names with it.
 */

/** The text with each lone surrogate (possible in a Windows name) replaced by U+FFFD, as UTF-8 would. */
export function wellFormed(text: string): string {
  return text.replace(/\p{Cs}/gu, '\uFFFD');
}

const encoder = new TextEncoder();
const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/**
 * `.jpg`, `.gz`, `.数据`: a short last suffix after something; longer ones read as part of the name.
 * `s` so that "something" may be a line separator too (U+2028 is allowed in a file name).
 */
export const extensionPattern = /(?<=.)\.[^.\s]{1,15}$/su;

export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/** The longest run of whole pieces from the start that fits in `budget` bytes. */
function cutToBytes(pieces: Iterable<string>, budget: number): string {
  let kept = '';
  let used = 0;
  for (const piece of pieces) {
    const size = utf8Length(piece);
    if (used + size > budget) break;
    kept += piece;
    used += size;
  }
  return kept;
}

function graphemes(text: string): string[] {
  return Array.from(graphemeSegmenter.segment(text), (piece) => piece.segment);
}

/**
 * The start of `text` in at most `maxBytes` bytes of UTF-8, cut at a grapheme boundary (by code point
 * when even its first grapheme does not fit).
 */
export function cutText(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  return cutToBytes(graphemes(text), maxBytes) || cutToBytes(text, maxBytes);
}

/**
 * `name` in at most `maxBytes` bytes of UTF-8: the end of the stem is cut and the extension kept, at a
 * grapheme boundary, so no character, surrogate pair, accent or emoji sequence is split. A name that
 * fits is returned as it is.
 */
export function fitName(name: string, maxBytes: number): string {
  if (utf8Length(name) <= maxBytes) return name;
  const found = extensionPattern.exec(name)?.[0] ?? '';
  // An extension that would eat half the room is not worth keeping at the stem's expense.
  const extension = utf8Length(found) * 2 < maxBytes ? found : '';
  const stem = name.slice(0, name.length - extension.length);
  const stemKept = cutToBytes(graphemes(stem), maxBytes - utf8Length(extension));
  if (stemKept !== '') return `${stemKept}${extension}`;
  // A first grapheme too large to sit beside the extension (a long run of combining marks): the name
  // alone, by grapheme, then by code point when even one grapheme does not fit.
  return cutText(name, maxBytes);
}
