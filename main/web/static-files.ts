import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { isInside } from '../file-names.ts';
import { streamIntoResponse } from '../net/server-guard.ts';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * Map a request path to a file under `rootDir`, or null. Decodes once and refuses anything that
 * escapes the root (`..`, encoded dots, backslashes, NUL), so the shell never serves files beside it.
 */
export function resolveStaticPath(rootDir: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relativePath = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (relativePath.split('/').some((part) => part === '..')) return null;
  const file = join(rootDir, relativePath);
  return isInside(rootDir, file) ? file : null;
}

export async function serveStatic(
  rootDir: string,
  urlPath: string,
  response: ServerResponse,
  headers: Record<string, string>,
): Promise<void> {
  await serveFile(resolveStaticPath(rootDir, urlPath), response, headers);
}

/** Stream one file (404 when it is null or not a regular file), typed by its extension. */
export async function serveFile(
  file: string | null,
  response: ServerResponse,
  headers: Record<string, string>,
): Promise<void> {
  const info = file ? await stat(file).catch(() => null) : null;
  if (!file || !info?.isFile()) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end('Not found');
    return;
  }
  response.writeHead(200, {
    'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': 'no-cache',
    ...headers,
  });
  // Not pipe(): a read that fails or a client that hangs up must close both ends, the file included.
  await streamIntoResponse(() => createReadStream(file), response);
}
