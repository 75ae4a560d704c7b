import { isAbsolute, relative, sep } from 'node:path';

/** What most file systems (ext4, APFS, NTFS once encoded as UTF-8 on the wire) allow for one name. */
export const maxFileNameBytes = 255;

/**
 * A name a browser or a paste sent, made safe to create inside a folder of ours: only its last path
 * segment, without control characters or characters Windows refuses, never `.` or `..`, at most 255
 * bytes in UTF-8 (a name from macOS or Windows may have 255 characters of three bytes each). On the
 * bottom floor because the web shell's staging PUT and the service's pasted-data staging both name
 * files this way.
 */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // Control characters and names that mean something to a file system are replaced, not trusted.
  const cleaned = [...wellFormed(base)]
    .map((char) =>
      char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f || '<>:"|?*'.includes(char) ? '_' : char,
    )
    .join('')
    .trim();
  if (cleaned === '' || cleaned === '.' || cleaned === '..') return 'file';
  return fitName(cleaned, maxFileNameBytes);
}

/** The text with each lone surrogate (possible in a Windows name) replaced by U+FFFD, as UTF-8 would. */
export function wellFormed(text: string): string {
  return text.replace(/\p{Cs}/gu, '\uFFFD');
}

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** `.jpg`, `.gz`, `.数据`: a short last suffix after something; longer ones read as part of the name. */
const extensionPattern = /(?<=.)\.[^.\s]{1,15}$/u;

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
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
  const budget = maxBytes - utf8Length(extension);
  const graphemes = (text: string) => Array.from(graphemeSegmenter.segment(text), (piece) => piece.segment);
  const stemKept = cutToBytes(graphemes(stem), budget);
  if (stemKept !== '') return `${stemKept}${extension}`;
  // A first grapheme too large to sit beside the extension (a long run of combining marks): the name
  // alone, by grapheme, then by code point when even one grapheme does not fit.
  return cutToBytes(graphemes(name), maxBytes) || cutToBytes(name, maxBytes);
}

/**
 * Whether `path` lies inside `folder` (not the folder itself), both absolute, compared as written (no
 * links followed). A name that merely starts with two dots (`..notes`) is inside; `..` is not.
 */
export function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
