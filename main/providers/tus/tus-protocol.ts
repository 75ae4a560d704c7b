import { z } from 'zod';

/** The only protocol version Ferry speaks; sent on every request but OPTIONS (tus 1.0 §"Tus-Resumable"). */
export const tusVersion = '1.0.0';

/** PATCH bodies must carry this type, or the server answers 415 (tus 1.0 §"PATCH"). */
export const offsetContentType = 'application/offset+octet-stream';

/** An HTTP header field name (RFC 9110 token): what a user may type as the auth header's name. */
export const headerNamePattern = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Upload-Offset / Upload-Length / Tus-Max-Size: a non-negative decimal integer, nothing else. */
const byteCountSchema = z
  .string()
  .trim()
  .regex(/^\d{1,16}$/, 'not a non-negative integer')
  .transform(Number)
  .pipe(z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER));

/** A header as got hands it over: absent, one value, or several (repeated headers). */
type HeaderValue = string | string[] | undefined;

function single(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A byte-count header; `undefined` when absent, an Error naming the header when present but malformed. */
export function byteCountHeader(name: string, value: HeaderValue): number | undefined | Error {
  const raw = single(value);
  if (raw === undefined) return undefined;
  const parsed = byteCountSchema.safeParse(raw);
  return parsed.success
    ? parsed.data
    : new Error(`${name} "${raw.slice(0, 40)}" is ${parsed.error.issues[0]?.message}`);
}

/** Comma-separated header values (Tus-Version, Tus-Extension), trimmed, empty ones dropped. */
export function listHeader(value: HeaderValue): string[] {
  const raw = Array.isArray(value) ? value.join(',') : (value ?? '');
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * Upload-Metadata (creation extension): `key base64(value)` pairs joined by commas. Keys are ours and
 * ASCII; values may be any UTF-8 (file names), which is why the protocol base64-encodes them.
 */
export function encodeMetadata(entries: Readonly<Record<string, string>>): string {
  return Object.entries(entries)
    .map(([key, value]) => `${key} ${Buffer.from(value, 'utf8').toString('base64')}`)
    .join(',');
}

/** The upload's id as the server named it: the last path segment of its URL. */
export function uploadIdOf(uploadUrl: string): string {
  const segments = new URL(uploadUrl).pathname.split('/').filter((segment) => segment !== '');
  const last = segments.at(-1) ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
