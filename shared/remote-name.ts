import { cutText, extensionPattern, fitName, utf8Length, wellFormed } from './name-fit.ts';

/**
 * Remote names from a pattern: `{yyyy}/{mm}/{rand:16}-{name}.{ext}`. A pure function of the pattern,
 * the file and the values drawn for it, so the account form previews exactly what the engine makes.
 */

/** What a provider allows for the name it is given. */
export interface RemoteNameRules {
  /** A `/` in the pattern makes folders (S3 keys); elsewhere only the part after the last `/` is kept. */
  folders: boolean;
  /** The whole remote name, folders included, in bytes of UTF-8. */
  maxBytes: number;
  /** One segment (a folder, or the name), in bytes of UTF-8. */
  maxSegmentBytes: number;
}

/** How a provider names files: its rules, and the pattern used when the account sets none. */
export interface RemoteNaming extends RemoteNameRules {
  /** Empty: the file's own name (the provider's behaviour before patterns existed). */
  defaultPattern: string;
}

/** What most file systems allow for one name: the rule for a provider that says nothing else. */
export const plainRemoteNaming: RemoteNaming = {
  folders: false,
  maxBytes: 255,
  maxSegmentBytes: 255,
  defaultPattern: '',
};

/** The values one rendering draws; time is read in UTC, so a name does not depend on the machine. */
export interface RemoteNameValues {
  /** The file's name as it is sent (after processing: `photo.webp`). */
  name: string;
  time: Date;
  /** SHA-256 (hex) of the bytes sent; needed only when the pattern has `{hash:N}`. */
  sha256: string | null;
  uuid: string;
  /** `length` random lowercase hex digits. */
  random(length: number): string;
}

/** A pattern that does not parse, or a name that cannot be made safe: the message says which and why. */
export class RemoteNameError extends Error {
  override name = 'RemoteNameError';
}

const timeParts = ['yyyy', 'mm', 'dd', 'hh', 'mi', 'ss'] as const;
type TimePart = (typeof timeParts)[number];

type Token =
  | { kind: 'text'; text: string }
  | { kind: 'name' | 'ext' | 'timestamp' | 'uuid' }
  | { kind: 'time'; part: TimePart }
  | { kind: 'hash' | 'rand'; length: number };

export const remoteNamePlaceholders = [
  '{name}',
  '{ext}',
  '{yyyy}',
  '{mm}',
  '{dd}',
  '{hh}',
  '{mi}',
  '{ss}',
  '{timestamp}',
  '{hash:N}',
  '{uuid}',
  '{rand:N}',
] as const;

const maxDrawnLength = 64;

function placeholder(body: string): Token {
  if (body === 'name' || body === 'ext' || body === 'timestamp' || body === 'uuid') return { kind: body };
  if ((timeParts as readonly string[]).includes(body)) return { kind: 'time', part: body as TimePart };
  const drawn = /^(hash|rand)(?::(\d+))?$/.exec(body);
  if (drawn) {
    const length = Number(drawn[2]);
    if (drawn[2] === undefined || drawn[2].startsWith('0') || length < 1 || length > maxDrawnLength)
      throw new RemoteNameError(
        `{${drawn[1]}:N} needs a length N from 1 to ${maxDrawnLength}, as in {${drawn[1]}:8}.`,
      );
    return { kind: drawn[1] as 'hash' | 'rand', length };
  }
  throw new RemoteNameError(
    `"{${body}}" is not a placeholder; the placeholders are ${remoteNamePlaceholders.join(' ')}.`,
  );
}

/**
 * The shape of a pattern that parses, as a regular expression (empty, or text without "{" around at
 * least one placeholder): what a JSON Schema of the settings can say, and generators can fill.
 * `parseRemoteNamePattern` gives the reason when a pattern does not have it.
 */
export const remoteNamePatternShape =
  /^(?:|[^{]*(?:\{(?:name|ext|yyyy|mm|dd|hh|mi|ss|timestamp|uuid|(?:hash|rand):(?:[1-9]|[1-5][0-9]|6[0-4]))\}[^{]*)+)$/;

/** The pattern's tokens; throws RemoteNameError naming what does not parse. */
export function parseRemoteNamePattern(pattern: string): Token[] {
  const tokens: Token[] = [];
  let rest = pattern;
  while (rest !== '') {
    const open = rest.indexOf('{');
    if (open === -1) {
      tokens.push({ kind: 'text', text: rest });
      break;
    }
    if (open > 0) tokens.push({ kind: 'text', text: rest.slice(0, open) });
    const close = rest.indexOf('}', open);
    if (close === -1)
      throw new RemoteNameError(`"${rest.slice(open)}" opens a placeholder that is not closed.`);
    tokens.push(placeholder(rest.slice(open + 1, close)));
    rest = rest.slice(close + 1);
  }
  if (!tokens.some((token) => token.kind !== 'text'))
    throw new RemoteNameError(
      'A pattern without a placeholder gives every file the same name; use {name}, {hash:N}, {uuid} or {rand:N}.',
    );
  return tokens;
}

/** A pattern's problem in words, or null when it parses (for forms and settings checks). */
export function remoteNamePatternProblem(pattern: string): string | null {
  try {
    parseRemoteNamePattern(pattern);
    return null;
  } catch (error) {
    if (error instanceof RemoteNameError) return error.message;
    throw error;
  }
}

export function remoteNamePatternNeedsHash(pattern: string): boolean {
  return parseRemoteNamePattern(pattern).some((token) => token.kind === 'hash');
}

/** Control characters and backslashes make names that tools mangle; a `/` inside a value is no folder. */
function cleanText(text: string, slashIsFolder: boolean): string {
  return [...wellFormed(text)]
    .map((char) =>
      char.charCodeAt(0) < 0x20 || char === '\u007f' || char === '\\' || (!slashIsFolder && char === '/')
        ? '_'
        : char,
    )
    .join('');
}

/** {name} and {ext} of a file name: `photo.jpg` → `photo`, `jpg`; `README` → `README`, ``. */
function splitName(name: string): { stem: string; ext: string } {
  const cleaned = cleanText(name, false) || 'file';
  const ext = extensionPattern.exec(cleaned)?.[0] ?? '';
  return { stem: cleaned.slice(0, cleaned.length - ext.length), ext: ext.slice(1) };
}

/** A piece of output; the file's own name is what gets cut when a name is too long. */
interface Piece {
  text: string;
  cuttable: boolean;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function timeValue(part: TimePart, time: Date): string {
  switch (part) {
    case 'yyyy':
      return pad(time.getUTCFullYear(), 4);
    case 'mm':
      return pad(time.getUTCMonth() + 1);
    case 'dd':
      return pad(time.getUTCDate());
    case 'hh':
      return pad(time.getUTCHours());
    case 'mi':
      return pad(time.getUTCMinutes());
    case 'ss':
      return pad(time.getUTCSeconds());
  }
}

/** The pieces the tokens make, split into segments at each `/` of the pattern's own text. */
function segmentsOf(tokens: readonly Token[], values: RemoteNameValues): Piece[][] {
  const { stem, ext } = splitName(values.name);
  const segments: Piece[][] = [[]];
  const push = (piece: Piece) => segments.at(-1)!.push(piece);
  for (const [index, token] of tokens.entries()) {
    switch (token.kind) {
      case 'text': {
        let text = token.text;
        // `.{ext}` for a file without an extension: no dangling dot.
        if (ext === '' && tokens[index + 1]?.kind === 'ext' && text.endsWith('.')) text = text.slice(0, -1);
        const [first, ...more] = cleanText(text, true).split('/');
        push({ text: first!, cuttable: false });
        for (const part of more) segments.push([{ text: part, cuttable: false }]);
        break;
      }
      case 'name':
        push({ text: stem, cuttable: true });
        break;
      case 'ext':
        push({ text: ext, cuttable: false });
        break;
      case 'time':
        push({ text: timeValue(token.part, values.time), cuttable: false });
        break;
      case 'timestamp':
        push({ text: String(values.time.getTime()), cuttable: false });
        break;
      case 'uuid':
        push({ text: values.uuid, cuttable: false });
        break;
      case 'hash':
        if (values.sha256 === null) throw new RemoteNameError('{hash:N} needs the digest of the bytes sent.');
        push({ text: values.sha256.slice(0, token.length), cuttable: false });
        break;
      case 'rand':
        push({ text: values.random(token.length).slice(0, token.length), cuttable: false });
        break;
    }
  }
  return segments;
}

const join = (pieces: readonly Piece[]) => pieces.map((piece) => piece.text).join('');

/** The name segment in `budget` bytes: the file's own name is cut first, then the segment from its end. */
function fitSegment(pieces: Piece[], budget: number): string {
  let over = utf8Length(join(pieces)) - budget;
  for (const piece of pieces) {
    if (over <= 0) break;
    if (!piece.cuttable) continue;
    const bytes = utf8Length(piece.text);
    piece.text = cutText(piece.text, Math.max(0, bytes - over));
    over -= bytes - utf8Length(piece.text);
  }
  const text = join(pieces);
  return over <= 0 ? text : fitName(text, budget);
}

function checkSegment(segment: string, what: string): void {
  if (segment === '')
    throw new RemoteNameError(
      `The pattern makes an empty ${what} (a leading, trailing or doubled "/", or an empty value).`,
    );
  if (segment === '.' || segment === '..')
    throw new RemoteNameError(`The pattern makes a ${what} "${segment}", which no server keeps as written.`);
}

/**
 * The remote name `pattern` makes for a file, safe for `rules`: characters tools mangle replaced, the
 * file's own name cut (extension kept) to fit, folders only where the provider has them. Throws
 * RemoteNameError when no safe name can be made (an empty or `..` segment, folders too long).
 */
export function renderRemoteName(pattern: string, values: RemoteNameValues, rules: RemoteNameRules): string {
  const segments = segmentsOf(parseRemoteNamePattern(pattern), values);
  const nameSegment = segments.pop()!;
  const folders = rules.folders ? segments.map(join) : [];
  let folderBytes = 0;
  for (const folder of folders) {
    checkSegment(folder, 'folder name');
    const bytes = utf8Length(folder);
    if (bytes > rules.maxSegmentBytes)
      throw new RemoteNameError(
        `A folder name of ${bytes} bytes is over the ${rules.maxSegmentBytes} allowed.`,
      );
    folderBytes += bytes + 1;
  }
  const budget = Math.min(rules.maxSegmentBytes, rules.maxBytes - folderBytes);
  if (budget < 1)
    throw new RemoteNameError(
      `The folders take ${folderBytes} of the ${rules.maxBytes} bytes a name may have, leaving none for the name.`,
    );
  const name = fitSegment(nameSegment, budget);
  checkSegment(name, 'name');
  return [...folders, name].join('/');
}
