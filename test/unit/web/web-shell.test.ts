import { request as httpRequest } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createService, type FerryService } from '../../../main/service.ts';
import { startPicUpEmulator, type PicUpEmulator } from '../../../main/sandbox/tencent-im/pic-up-emulator.ts';
import { resolveStaticPath } from '../../../main/web/static-files.ts';
import { startWebShell, type WebShell } from '../../../main/web/web-shell-server.ts';
import { tempDir } from '../../support/temp.ts';

let emulator: PicUpEmulator;
let service: FerryService;
let shell: WebShell;
let rendererDir: string;

beforeAll(async () => {
  emulator = await startPicUpEmulator({ storageDir: tempDir() });
  service = await createService({ dataDir: tempDir(), sandboxEmulator: emulator });
  rendererDir = tempDir();
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Ferry</title>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  shell = await startWebShell({ service, rendererDir });
});

afterAll(async () => {
  await shell.close();
  await service.close();
  await emulator.close();
});

/** A raw request, so the test controls the path and Host header exactly (fetch would normalise them). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(shell.origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: url.port, method, path, headers: { host: url.host, ...headers } },
      (res) => {
        let data = '';
        res.on('data', (chunk: Buffer) => (data += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function connect(options: { token?: string; origin?: string }): Promise<WebSocket> {
  const url = `${shell.origin.replace('http', 'ws')}/ws?token=${options.token ?? shell.token}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin: options.origin ?? shell.origin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function call(ws: WebSocket, message: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    ws.on('message', function onMessage(data) {
      const parsed = JSON.parse(String(data)) as Record<string, unknown>;
      if (parsed.type === 'result') {
        ws.off('message', onMessage);
        resolve(parsed);
      }
    });
    ws.send(JSON.stringify(message));
  });
}

describe('web shell HTTP', () => {
  it('serves the renderer with the strict CSP', async () => {
    const response = await raw('GET', '/');
    expect(response.status).toBe(200);
    expect(response.body).toContain('<title>Ferry</title>');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await raw('GET', '/', { host: 'evil.example:80' })).status).toBe(421);
  });

  it.each([
    '/../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/assets/..%2f..%2f..%2fetc%2fpasswd',
    '/..%5c..%5cetc',
  ])('does not serve %s outside the renderer folder', async (path) => {
    const response = await raw('GET', path);
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('root:');
  });

  it('resolveStaticPath keeps every path inside the root', () => {
    expect(resolveStaticPath(rendererDir, '/assets/app.js')).toBe(join(rendererDir, 'assets', 'app.js'));
    for (const bad of ['/..', '/a/../../x', '/%2e%2e/x', '/x%00.js', '/a\\..\\b', '/%E0%A4%A']) {
      expect(resolveStaticPath(rendererDir, bad)).toBeNull();
    }
  });

  it('refuses staging without the token, or with a wrong one', async () => {
    expect((await raw('PUT', '/api/staging?name=a.txt', {}, 'x')).status).toBe(401);
    expect((await raw('PUT', '/api/staging?name=a.txt', { authorization: 'Bearer nope' }, 'x')).status).toBe(
      401,
    );
  });

  it('stages bytes under the staging folder, with a name that cannot escape it', async () => {
    const response = await raw(
      'PUT',
      `/api/staging?name=${encodeURIComponent('../../evil\u0001.txt')}`,
      { authorization: `Bearer ${shell.token}` },
      'hello',
    );
    expect(response.status).toBe(201);
    const { path } = JSON.parse(response.body) as { path: string };
    expect(relative(service.stagingDir, path).startsWith('..')).toBe(false);
    expect(path.endsWith('evil_.txt')).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('hello');
  });
});

describe('web shell WebSocket', () => {
  it('refuses a connection without the right token', async () => {
    await expect(connect({ token: 'wrong' })).rejects.toThrow(/401/);
  });

  it('refuses a connection from another origin even with the token', async () => {
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow(/401/);
  });

  it('carries contract commands and validates their payloads', async () => {
    const ws = await connect({});
    const accounts = await call(ws, { type: 'command', id: 1, name: 'accounts.list', request: {} });
    expect(accounts).toMatchObject({ id: 1, ok: true });
    expect((accounts.response as Array<{ name: string }>).map((a) => a.name)).toContain('Sandbox');

    const invalid = await call(ws, { type: 'command', id: 2, name: 'uploads.add', request: { paths: [] } });
    expect(invalid).toMatchObject({ id: 2, ok: false, error: { code: 'invalid-request' } });

    const unknown = await call(ws, { type: 'command', id: 3, name: 'fs.readFile', request: {} });
    expect(unknown).toMatchObject({ id: 3, ok: false, error: { code: 'unknown-command' } });
    ws.close();
  });

  it('uploads what the browser staged, and refuses a path a token holder names', async () => {
    const secret = join(tempDir(), 'id_ed25519');
    writeFileSync(secret, 'PRIVATE KEY');
    const ws = await connect({});
    const named = await call(ws, {
      type: 'command',
      id: 1,
      name: 'uploads.add',
      request: { paths: [secret], accountId: 'sandbox' },
    });
    expect(named).toMatchObject({ id: 1, ok: false, error: { code: 'path-not-granted' } });

    const staged = await raw(
      'PUT',
      '/api/staging?name=drop.txt',
      { authorization: `Bearer ${shell.token}` },
      'x',
    );
    const { path } = JSON.parse(staged.body) as { path: string };
    const added = await call(ws, {
      type: 'command',
      id: 2,
      name: 'uploads.add',
      request: { paths: [path], accountId: 'sandbox' },
    });
    expect(added).toMatchObject({ id: 2, ok: true });
    ws.close();
    await service.idle();
  });

  it('closes the socket on a message that is not the protocol', async () => {
    const ws = await connect({});
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('not json');
    expect(await closed).toBe(1008);
  });
});
