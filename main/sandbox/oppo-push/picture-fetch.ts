import { loadSharp } from '../../thumbnails/sharp-loader.ts';
import { PICTURE_FORMATS, PICTURE_RULES, type PictureRole } from './oppo-push-server-protocol.ts';

/** Bytes read from a picture URL at most; past the limits of both sizes, the rest is not needed. */
const maxFetchBytes = 8 * 1024 * 1024;

export type FetchedPicture =
  | { ok: true; data: Buffer; format: string; width: number; height: number }
  /** The URL is refused or cannot be read: the request's parameter is invalid (21003). */
  | { ok: false; kind: 'unreachable'; reason: string; bytes?: number }
  /** Read, but not what OPPO takes (size, dimensions, format): OPPO's 51. */
  | { ok: false; kind: 'unacceptable'; reason: string; bytes: number };

/**
 * The emulator fetches picture URLs as the real service does, but only from 127.0.0.1: a sandbox must
 * never be turned into a client of arbitrary hosts (SSRF). Redirects are refused for the same reason.
 */
export function loopbackUrl(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1') return undefined;
  return url;
}

export async function fetchPicture(
  url: URL,
  role: PictureRole,
  signal: AbortSignal,
): Promise<FetchedPicture> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'manual', signal });
  } catch (error) {
    return { ok: false, kind: 'unreachable', reason: `fetch failed: ${(error as Error).message}` };
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    return { ok: false, kind: 'unreachable', reason: `the URL answered HTTP ${response.status}` };
  }
  const data = await readCapped(response, maxFetchBytes);
  const rule = PICTURE_RULES[role];
  if (data === 'too-large') {
    return {
      ok: false,
      kind: 'unacceptable',
      reason: `over ${maxFetchBytes} bytes`,
      bytes: maxFetchBytes + 1,
    };
  }
  if (data.length > rule.maxBytes) {
    return {
      ok: false,
      kind: 'unacceptable',
      reason: `${data.length} bytes, over the ${rule.maxBytes} allowed`,
      bytes: data.length,
    };
  }
  let format: string;
  let width: number;
  let height: number;
  try {
    const { sharp } = await loadSharp(); // sharp stays behind main/thumbnails (Electron-safe build)
    const image = sharp(data, { limitInputPixels: 10_000_000, failOn: 'error' });
    ({ format, width, height } = await image.metadata());
    await image.raw().toBuffer(); // decodable all the way, not just a plausible header
  } catch (error) {
    return {
      ok: false,
      kind: 'unacceptable',
      reason: `not a decodable image: ${(error as Error).message}`,
      bytes: data.length,
    };
  }
  if (!PICTURE_FORMATS.includes(format)) {
    return { ok: false, kind: 'unacceptable', reason: `format ${format}, not PNG/JPEG`, bytes: data.length };
  }
  if (width !== rule.width || height !== rule.height) {
    return {
      ok: false,
      kind: 'unacceptable',
      reason: `${width}×${height}, not ${rule.width}×${rule.height}`,
      bytes: data.length,
    };
  }
  return { ok: true, data, format, width, height };
}

async function readCapped(response: Response, limit: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += (chunk as Uint8Array).length;
    if (total > limit) return 'too-large'; // leaving the loop cancels the rest of the body
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks, total);
}
