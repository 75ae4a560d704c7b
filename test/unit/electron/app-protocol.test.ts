import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../shared/csp.ts';
import {
  appSchemePrivileges,
  createAppProtocolHandler,
  resolveAppUrl,
} from '../../../main/electron/app-protocol.ts';

let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'ferry-app-protocol-'));
  root = join(base, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Ferry</title>');
  await writeFile(join(root, 'assets', 'index-abc123.js'), 'console.log(1);');
  await writeFile(join(root, 'assets', 'index-abc123.css'), 'body{}');
  await writeFile(join(root, 'assets', 'logo.svg'), '<svg/>');
  await writeFile(join(root, 'assets', 'icon.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  await writeFile(join(root, 'assets', 'inter.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
  await writeFile(join(root, 'manifest.json'), '{}');
  // A file next to the root: what every traversal attempt below is after.
  await writeFile(join(base, 'secret.txt'), 'credentials');
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('appSchemePrivileges', () => {
  it('registers app:// as standard, secure and fetchable, and nothing more', () => {
    expect(appSchemePrivileges).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    });
  });
});

describe('resolveAppUrl', () => {
  it.each([
    ['app://ferry/index.html', 'index.html'],
    ['app://ferry/', 'index.html'],
    ['app://ferry', 'index.html'],
    ['app://ferry/assets/index-abc123.js', 'assets/index-abc123.js'],
    ['app://ferry/assets/index-abc123.js?v=2#top', 'assets/index-abc123.js'],
    ['app://ferry/assets/my%20font.woff2', 'assets/my font.woff2'],
  ])('maps %s into the renderer folder', (url, relativePath) => {
    expect(resolveAppUrl(root, url)).toBe(join(root, relativePath));
  });

  it.each([
    ['a parent segment', 'app://ferry/../secret.txt'],
    ['a parent segment deeper in', 'app://ferry/assets/../../secret.txt'],
    ['a current-directory segment', 'app://ferry/./index.html'],
    ['encoded dots', 'app://ferry/%2e%2e/secret.txt'],
    ['upper-case encoded dots', 'app://ferry/%2E%2E/secret.txt'],
    ['half-encoded dots', 'app://ferry/.%2e/secret.txt'],
    ['an encoded slash', 'app://ferry/..%2fsecret.txt'],
    ['an encoded backslash', 'app://ferry/..%5csecret.txt'],
    ['double-encoded dots', 'app://ferry/%252e%252e/secret.txt'],
    ['a backslash', 'app://ferry/..\\secret.txt'],
    ['backslashes inside the path', 'app://ferry/assets\\..\\..\\secret.txt'],
    ['an absolute path after the host', 'app://ferry//etc/passwd'],
    ['an encoded absolute path', 'app://ferry/%2fetc/passwd'],
    ['a Windows drive', 'app://ferry/C:/Windows/win.ini'],
    ['a NUL byte', 'app://ferry/index.html%00.png'],
    ['another host', 'app://other/index.html'],
    ['a look-alike host', 'app://ferry.evil/index.html'],
    ['a port', 'app://ferry:8080/index.html'],
    ['credentials', 'app://user:pass@ferry/index.html'],
    ['another scheme', 'https://ferry/index.html'],
    ['a file URL', 'file:///etc/passwd'],
    ['a bare absolute path', '/etc/passwd'],
    ['garbage', 'not a url'],
  ])('refuses %s', (_what, url) => {
    expect(resolveAppUrl(root, url)).toBeNull();
  });
});

describe('createAppProtocolHandler', () => {
  const handler = () => createAppProtocolHandler(root);

  it('serves index.html with its type and the shared Content-Security-Policy', async () => {
    const response = await handler()(new Request('app://ferry/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe('<!doctype html><title>Ferry</title>');
  });

  it.each([
    ['assets/index-abc123.js', 'text/javascript; charset=utf-8'],
    ['assets/index-abc123.css', 'text/css; charset=utf-8'],
    ['assets/logo.svg', 'image/svg+xml'],
    ['assets/icon.png', 'image/png'],
    ['assets/inter.woff2', 'font/woff2'],
    ['manifest.json', 'application/json; charset=utf-8'],
  ])('serves %s as %s', async (path, type) => {
    const response = await handler()(new Request(`app://ferry/${path}`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    expect((await response.arrayBuffer()).byteLength).toBe(Number(response.headers.get('content-length')));
  });

  it.each([
    ['a missing file', 'app://ferry/assets/missing.js'],
    ['a folder', 'app://ferry/assets'],
    ['a traversal', 'app://ferry/%2e%2e/secret.txt'],
    ['another host', 'app://other/index.html'],
  ])('answers 404 for %s, still under the CSP', async (_what, url) => {
    const response = await handler()(new Request(url));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    expect(await response.text()).not.toContain('credentials');
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await handler()(new Request('app://ferry/index.html', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    const post = await handler()(new Request('app://ferry/index.html', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('createAppProtocolHandler: the thumbnails route', () => {
  const key = 'ab'.repeat(32);

  function thumbnailHandler() {
    const asked: string[] = [];
    const handler = createAppProtocolHandler(root, (requested) => {
      asked.push(requested);
      return requested === key ? join(base, 'secret.txt') : null;
    });
    return { handler, asked };
  }

  it('serves the file the service names for a well-formed key', async () => {
    const { handler, asked } = thumbnailHandler();
    const response = await handler(new Request(`app://ferry/thumbnails/${key}.webp`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    expect(asked).toEqual([key]);
  });

  it('answers 404 for a well-formed key the service does not know', async () => {
    const { handler } = thumbnailHandler();
    const response = await handler(new Request(`app://ferry/thumbnails/${'cd'.repeat(32)}.webp`));
    expect(response.status).toBe(404);
  });

  it.each([
    ['a short key', `app://ferry/thumbnails/${key.slice(2)}.webp`],
    ['an upper-case key', `app://ferry/thumbnails/${key.toUpperCase()}.webp`],
    ['a key that is not hex', `app://ferry/thumbnails/${'zz'.repeat(32)}.webp`],
    ['another extension', `app://ferry/thumbnails/${key}.png`],
    ['a traversal in place of the key', 'app://ferry/thumbnails/../../secret.txt'],
    ['an encoded traversal', 'app://ferry/thumbnails/%2e%2e%2f%2e%2e%2fsecret.txt'],
    ['a double-encoded traversal', 'app://ferry/thumbnails/%252e%252e%252fsecret.txt'],
    ['a backslash traversal', 'app://ferry/thumbnails\\..\\..\\secret.txt'],
    ['an encoded backslash', `app://ferry/thumbnails/..%5c${key}.webp`],
    ['a NUL after the key', `app://ferry/thumbnails/${key}.webp%00.png`],
    ['a sub-folder', `app://ferry/thumbnails/x/${key}.webp`],
  ])('refuses %s without asking the service', async (_what, url) => {
    const { handler, asked } = thumbnailHandler();
    const response = await handler(new Request(url));
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('credentials');
    expect(asked).toEqual([]);
  });
});
