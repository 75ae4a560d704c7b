import { createReadStream } from 'node:fs';
import { thumbnailPathPattern } from '../../shared/web-protocol.ts';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { CustomScheme } from 'electron';
import { contentSecurityPolicy } from '../../shared/csp.ts';
import { appHost, appScheme } from './app-origin.ts';

/**
 * `standard` gives the renderer a real origin (relative URLs, localStorage, module scripts),
 * `secure` makes it a secure context like https, `supportFetchAPI` lets the page fetch its own
 * assets. Nothing else: no CSP bypass, no service workers, no CORS to the outside.
 */
export const appSchemePrivileges: CustomScheme = {
  scheme: appScheme,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

export function contentTypeFor(file: string): string {
  return contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

// Encoded dots, slashes, backslashes, NULs and percent signs (double encoding) never appear in the names Vite gives the build's files;
// refusing them outright is simpler than reasoning about what each layer decodes.
const suspiciousEscape = /%(2e|2f|5c|00|25)/i;

/**
 * Map `app://ferry/<path>` to a file under `rootDir`, or null when the URL is not one the renderer
 * build can have produced. The URL parser already folds `..` segments away, so the raw text is
 * checked too: a request that even tries to climb out is refused rather than quietly rewritten.
 */
export function resolveAppUrl(rootDir: string, url: string): string | null {
  if (url.includes('\\')) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${appScheme}:` || parsed.host !== appHost) return null;
  if (parsed.username !== '' || parsed.password !== '') return null;

  const rawPath = url.split(/[?#]/, 1)[0] ?? '';
  if (suspiciousEscape.test(rawPath)) return null;
  if (rawPath.split('/').some((segment) => segment === '..' || segment === '.')) return null;

  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname === '' || pathname === '/') pathname = '/index.html';
  if (!pathname.startsWith('/')) return null;

  const segments = pathname.slice(1).split('/');
  // An empty segment would be `//` (an absolute path after joining on some platforms); a colon a
  // Windows drive or stream name; a NUL truncates the name in the OS.
  if (segments.some((segment) => segment === '' || segment === '..' || /[:\0]/.test(segment))) return null;

  const root = resolve(rootDir);
  const file = join(root, ...segments);
  // Belt and braces: whatever slipped past the checks above still has to land inside the root.
  if (!file.startsWith(root + sep)) return null;
  return file;
}

/** The key of an `app://ferry/thumbnails/<sha256>.webp` URL: the only route outside the renderer build. */
function thumbnailKeyOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== `${appScheme}:` || parsed.host !== appHost) return null;
    return thumbnailPathPattern.exec(parsed.pathname)?.[1] ?? null;
  } catch {
    return null;
  }
}

function baseHeaders(contentType: string): Headers {
  return new Headers({
    'Content-Type': contentType,
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
  });
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: baseHeaders('text/plain; charset=utf-8') });
}

/**
 * The `protocol.handle('app', …)` handler: the built renderer's files, streamed from disk, every one
 * under the shared Content-Security-Policy so the page runs under the same rules as in the web shell.
 */
export function createAppProtocolHandler(
  rootDir: string,
  /** The cached thumbnail file for a key (FerryService.thumbnailPath); null while there is no service. */
  thumbnailFile: (key: string) => string | null = () => null,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const headers = baseHeaders('text/plain; charset=utf-8');
      headers.set('Allow', 'GET, HEAD');
      return new Response('Method not allowed', { status: 405, headers });
    }
    const thumbnailKey = thumbnailKeyOf(request.url);
    const file = thumbnailKey !== null ? thumbnailFile(thumbnailKey) : resolveAppUrl(rootDir, request.url);
    if (file === null) return notFound();

    let size: number;
    try {
      const stats = await stat(file);
      if (!stats.isFile()) return notFound();
      size = stats.size;
    } catch {
      return notFound();
    }

    const headers = baseHeaders(contentTypeFor(file));
    headers.set('Content-Length', String(size));
    const body =
      request.method === 'HEAD' ? null : (Readable.toWeb(createReadStream(file)) as ReadableStream);
    return new Response(body, { status: 200, headers });
  };
}
