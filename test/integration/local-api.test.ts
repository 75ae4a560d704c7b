import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalApiController } from '../../main/local-api/local-api-controller.ts';
import { logDirOf } from '../../main/log/logger.ts';
import { sandboxAccountId, type FerryService, type LocalApiDeps } from '../../main/service.ts';
import type { PicUpEmulator } from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import type { CommandResponse, FerryEvent } from '../../shared/contract.ts';
import type { Settings } from '../../shared/settings.ts';
import type { TaskView } from '../../shared/models.ts';
import { FakeClipboard } from '../support/fake-clipboard.ts';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { randomFile, sha256, tempDir } from '../support/temp.ts';

// The PicGo-compatible local upload API, driven the way Typora and Obsidian's PicGo uploaders drive
// PicGo's own server: a real service, the Tencent sandbox emulator, real HTTP on 127.0.0.1.

let harness: ServiceHarness;
let emulator: PicUpEmulator;
let service: FerryService;
let dataDir: string;
let filesDir: string;
let events: FerryEvent[];
let port: number;
let secret: string;

/** A port nothing listens on right now (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: free } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}

/** A service that serves the local API, as the app and the web shell build it. */
/** The service with the local API's factory, as the app and the web shell build it. */
const withLocalApi = { localApi: (deps: LocalApiDeps) => new LocalApiController(deps) };

async function updateSettings(patch: Record<string, unknown>): Promise<Settings> {
  return (await service.dispatch('settings.update', patch)) as Settings;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** node:http rather than fetch: the tests must choose the Host and Origin headers themselves. */
function call(
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string>; port?: number } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const target = options.port ?? port;
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: target,
        method,
        path,
        headers: { host: `127.0.0.1:${target}`, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode!, body: JSON.parse(text) as Record<string, unknown> });
          } catch {
            reject(new Error(`not JSON (${res.statusCode}): ${text}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Exactly what a PicGo client sends: POST /upload?key=…, a JSON body with the absolute paths. */
function picGoUpload(list: unknown[]): Promise<Reply> {
  return call('POST', `/upload?key=${encodeURIComponent(secret)}`, {
    body: JSON.stringify({ list }),
    headers: { 'content-type': 'application/json' },
  });
}

function isListening(target: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(target, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

async function png(name: string): Promise<{ path: string; sha256: string }> {
  const path = join(filesDir, name);
  await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .png()
    .toFile(path);
  return { path, sha256: sha256(readFileSync(path)) };
}

beforeEach(async () => {
  harness = await startServiceHarness({ service: withLocalApi });
  ({ emulator, service, dataDir, filesDir, events } = harness);
});

afterEach(() => harness.close());

describe('the local upload API when it is enabled', () => {
  beforeEach(async () => {
    port = await freePort();
    const settings = await updateSettings({
      defaultAccountId: sandboxAccountId,
      localApi: { enabled: true, port },
    });
    secret = settings.localApi.secret;
    expect(secret).toMatch(/^[\w-]{43}$/);
  });

  it('uploads the paths of a PicGo request in order, while they show in the queue, and answers their links', async () => {
    const image = await png('screenshot.png');
    const blob = randomFile(filesDir, 'notes.bin', 3 * 1024 * 1024 + 7);
    // The first pic_up request is held back, so the tasks are seen in the queue while the editor waits.
    emulator.injectFault({ kind: 'stall', ms: 1500 });

    const pending = picGoUpload([image.path, blob.path]);
    let running: TaskView[] = [];
    for (let tries = 0; tries < 100 && running.length < 2; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const queue = (await service.dispatch('uploads.list', {})) as TaskView[];
      running = queue.filter((task) => [image.path, blob.path].includes(task.path));
    }
    expect(running.map((task) => task.accountId)).toEqual([sandboxAccountId, sandboxAccountId]);
    expect(running.every((task) => ['queued', 'hashing', 'uploading'].includes(task.state))).toBe(true);

    const reply = await pending;
    expect(reply.status).toBe(200);
    expect(reply.body.success).toBe(true);
    const urls = reply.body.result as string[];
    expect(urls).toHaveLength(2);
    expect(sha256(await download(urls[0]!))).toBe(image.sha256);
    expect(sha256(await download(urls[1]!))).toBe(blob.sha256);

    const page = (await service.dispatch('history.list', { limit: 10 })) as CommandResponse<'history.list'>;
    const byName = new Map(page.entries.map((entry) => [entry.name, entry]));
    expect(byName.get('screenshot.png')!.links.find((link) => link.kind === 'original')!.url).toBe(urls[0]);
    expect(byName.get('notes.bin')!.links.find((link) => link.kind === 'original')!.url).toBe(urls[1]);
    expect(byName.get('screenshot.png')!.sha256).toBe(image.sha256);
    // The same events a drop produces, so the window's queue and history follow editor uploads too.
    expect(events.filter((event) => event.name === 'history.added')).toHaveLength(2);
  });

  it('gives each bad entry its own error while the good ones upload', async () => {
    const good = randomFile(filesDir, 'good.bin', 2048);
    const folder = join(filesDir, 'a-folder');
    mkdirSync(folder);
    const fifo = join(filesDir, 'a-pipe');
    execFileSync('mkfifo', [fifo]);
    const missing = join(filesDir, 'missing.png');

    const reply = await picGoUpload([missing, good.path, folder, 'relative/x.png', 42, fifo, good.path]);
    expect(reply.status).toBe(200);
    expect(reply.body.success).toBe(false);
    const result = reply.body.result as Array<string | null>;
    expect(result.map((url) => url !== null)).toEqual([false, true, false, false, false, false, true]);
    expect(sha256(await download(result[1]!))).toBe(good.sha256);
    expect(result[6]).toBe(result[1]); // the same file twice is uploaded once
    expect(reply.body.errors).toEqual([
      { index: 0, path: missing, code: 'file-not-found', message: expect.any(String) },
      { index: 2, path: folder, code: 'folder-unsupported', message: expect.any(String) },
      {
        index: 3,
        path: 'relative/x.png',
        code: 'invalid-request',
        message: expect.stringMatching(/absolute/),
      },
      { index: 4, path: null, code: 'invalid-request', message: expect.stringMatching(/number/) },
      { index: 5, path: fifo, code: 'file-unreadable', message: expect.stringMatching(/regular file/) },
    ]);
    expect(reply.body.message).toMatch(/^5 of 7 files could not be uploaded\. .*missing\.png: /);
  });

  it('reports a provider failure for that file', async () => {
    const file = randomFile(filesDir, 'refused.bin', 100);
    emulator.injectFault({ kind: 'reject', errorInfo: 'quota exceeded' });
    const reply = await picGoUpload([file.path]);
    expect(reply.body).toMatchObject({
      success: false,
      result: [null],
      errors: [{ index: 0, path: file.path, code: 'provider-rejected' }],
    });
  });

  it('answers the heartbeat for GET and POST', async () => {
    for (const method of ['GET', 'POST']) {
      const reply = await call(method, `/heartbeat?key=${secret}`);
      expect(reply).toEqual({ status: 200, body: { success: true, result: 'alive' } });
    }
  });

  it('refuses a missing or wrong key (query and header forms) and takes the right one in each form', async () => {
    const wrong = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A'); // same length, one character off
    const refused = [
      call('POST', '/heartbeat'),
      call('POST', `/heartbeat?key=${wrong}`),
      call('POST', '/heartbeat?key='),
      call('POST', '/heartbeat', { headers: { 'x-ferry-key': wrong } }),
      call('POST', '/heartbeat', { headers: { authorization: `Bearer ${wrong}` } }),
      call('POST', '/upload', { body: JSON.stringify({ list: [join(filesDir, 'x')] }) }),
    ];
    for (const reply of await Promise.all(refused)) {
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ success: false, message: expect.stringMatching(/key/) });
    }
    const accepted = [
      call('GET', `/heartbeat?key=${secret}`),
      call('GET', '/heartbeat', { headers: { 'x-ferry-key': secret } }),
      call('GET', '/heartbeat', { headers: { authorization: `Bearer ${secret}` } }),
    ];
    for (const reply of await Promise.all(accepted)) expect(reply.status).toBe(200);
    expect(await service.dispatch('uploads.list', {})).toEqual([]);
  });

  it('refuses a foreign Host (DNS rebinding) or a cross-site Origin, even with the right key', async () => {
    const file = randomFile(filesDir, 'x.bin', 10);
    const body = JSON.stringify({ list: [file.path] });
    const path = `/upload?key=${secret}`;
    const refused = [
      call('POST', path, { body, headers: { host: `rebind.example:${port}` } }),
      call('POST', path, { body, headers: { host: `127.0.0.1:${port + 1}` } }),
      call('POST', path, { body, headers: { host: '127.0.0.1' } }),
      call('POST', path, { body, headers: { origin: 'https://evil.example' } }),
      call('POST', path, { body, headers: { origin: 'null' } }),
      call('POST', path, { body, headers: { origin: 'http://127.0.0.1.evil.example' } }),
      // A page served from another port of this machine is a web page like any other.
      call('POST', path, { body, headers: { origin: 'http://localhost:5173' } }),
      call('POST', path, { body, headers: { origin: 'http://127.0.0.1:8888' } }),
      call('POST', path, { body, headers: { origin: `http://127.0.0.1:${port}` } }),
      call('POST', path, { body, headers: { origin: 'app://obsidian.md' } }),
    ];
    for (const reply of await Promise.all(refused)) {
      expect(reply.status).toBe(403);
      expect(reply.body.success).toBe(false);
    }
    expect(await service.dispatch('uploads.list', {})).toEqual([]);
    // Editors' HTTP clients send no Origin; localhost as the Host is fine.
    const editor = await call('GET', `/heartbeat?key=${secret}`, { headers: { host: `localhost:${port}` } });
    expect(editor.status).toBe(200);
  });

  it('is a door of its own: the key names any file the user can read, not only ones handed to Ferry', async () => {
    const elsewhere = randomFile(tempDir('ferry-editor-notes-'), 'figure.bin', 4096);
    const reply = await picGoUpload([elsewhere.path]);
    expect(reply.body).toMatchObject({ success: true });
    expect(sha256(await download((reply.body.result as string[])[0]!))).toBe(elsewhere.sha256);
  });

  it("never uploads Ferry's own data folder, however the path reaches it", async () => {
    const link = join(filesDir, 'innocent.png');
    symlinkSync(join(dataDir, 'vault.key'), link);
    const attempts = [
      join(dataDir, 'vault.key'),
      join(dataDir, 'ferry.db'),
      join(filesDir, '..', 'data', 'vault.key'),
      link,
      dataDir,
    ];
    for (const path of attempts) {
      const reply = await picGoUpload([path]);
      expect({ path, status: reply.status }).toEqual({ path, status: 403 });
      expect(reply.body).toMatchObject({ success: false, message: expect.stringMatching(/data folder/) });
    }
    // A staged copy is Ferry's too: the window's paste goes through uploads.stage, not through here.
    const { path: staged } = (await service.dispatch('uploads.stage', {
      name: 'pasted.png',
      bytesBase64: Buffer.from('pasted bytes').toString('base64'),
    })) as CommandResponse<'uploads.stage'>;
    expect((await picGoUpload([staged])).status).toBe(403);
    await service.idle();
    expect(await emulator.listObjects()).toEqual([]);
  });

  it('takes a new secret when the user rotates it: the old one is refused at once, no restart', async () => {
    const rotated = (await service.dispatch('settings.rotateLocalApiSecret', {})) as Settings;
    expect(rotated.localApi.secret).toMatch(/^[\w-]{43}$/);
    expect(rotated.localApi.secret).not.toBe(secret);
    expect(rotated.localApi).toMatchObject({ enabled: true, port });
    expect((await call('GET', `/heartbeat?key=${secret}`)).status).toBe(401);
    expect((await call('GET', `/heartbeat?key=${rotated.localApi.secret}`)).status).toBe(200);
    // Saved, announced to the windows, and kept out of the log like the first one.
    expect(((await service.dispatch('settings.get', {})) as Settings).localApi.secret).toBe(
      rotated.localApi.secret,
    );
    expect(events).toContainEqual({ name: 'settings.changed', payload: { settings: rotated } });
    await service.close();
    const logged = readdirSync(logDirOf(dataDir))
      .map((name) => readFileSync(join(logDirOf(dataDir), name), 'utf8'))
      .join('');
    expect(logged).toContain('local api secret rotated');
    expect(logged).not.toContain(rotated.localApi.secret);
  });

  it('refuses malformed bodies with 400, other types with 415, the clipboard form (no clipboard here) with a clear 400', async () => {
    const path = `/upload?key=${secret}`;
    const json = { 'content-type': 'application/json' };
    const cases: Array<[string | undefined, Record<string, string>, number, RegExp]> = [
      ['{"list": [', json, 400, /not valid JSON/],
      ['{"list": "/tmp/a.png"}', json, 400, /array/],
      ['{"list": []}', json, 400, /empty/],
      ['["/tmp/a.png"]', json, 400, /object/],
      [JSON.stringify({ list: ['/tmp/a.png'] }), { 'content-type': 'text/plain' }, 415, /JSON/],
      [undefined, {}, 400, /Clipboard upload works only in the Ferry desktop app.*"list"/],
      ['{}', json, 400, /Clipboard upload works only in the Ferry desktop app/],
    ];
    for (const [body, headers, status, message] of cases) {
      const reply = await call('POST', path, { ...(body === undefined ? {} : { body }), headers });
      expect({ body, status: reply.status }).toEqual({ body, status });
      expect(reply.body).toMatchObject({ success: false, message: expect.stringMatching(message) });
    }
    const tooLarge = await call('POST', path, {
      body: JSON.stringify({ list: ['/a'.repeat(600_000)] }),
      headers: json,
    });
    expect(tooLarge.status).toBe(413);
    expect((await call('GET', path)).status).toBe(405);
    expect((await call('POST', `/nothing?key=${secret}`)).status).toBe(404);
  });

  it("uploads the clipboard for PicGo's empty-body form where the app reads one (fake clipboard: Electron binary unavailable)", async () => {
    const clipboard = new FakeClipboard();
    service = await harness.open({ ...withLocalApi, clipboard, platform: 'linux' });
    const path = `/upload?key=${secret}`;

    const image = await png('copied.png');
    clipboard.copyImage(readFileSync(image.path));
    const imageReply = await call('POST', path);
    expect(imageReply.status).toBe(200);
    expect(imageReply.body.success).toBe(true);
    const [imageUrl] = imageReply.body.result as string[];
    expect(sha256(await download(imageUrl!))).toBe(image.sha256);

    const first = randomFile(filesDir, 'first.bin', 4000);
    const second = randomFile(filesDir, 'second.bin', 3000);
    clipboard.copyFiles([first.path, second.path], 'linux');
    const filesReply = await call('POST', path, {
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(filesReply.body.success).toBe(true);
    const urls = filesReply.body.result as string[];
    expect(await Promise.all(urls.map(async (url) => sha256(await download(url))))).toEqual([
      first.sha256,
      second.sha256,
    ]);

    clipboard.copyText('no image here');
    const empty = await call('POST', path);
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({
      success: false,
      message: expect.stringMatching(/clipboard holds no image/),
    });

    await updateSettings({ defaultAccountId: null });
    clipboard.copyImage(readFileSync(image.path));
    const noAccount = await call('POST', path);
    expect(noAccount.status).toBe(409);
    // Nothing staged for an answer that uploads nothing (the first screenshot's copy goes after its upload).
    await expect.poll(() => readdirSync(service.stagingDir), { timeout: 10_000 }).toEqual([]);
  });

  it('says clearly when no default account is set', async () => {
    await updateSettings({ defaultAccountId: null });
    const file = randomFile(filesDir, 'x.bin', 10);
    const reply = await picGoUpload([file.path]);
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ success: false, message: expect.stringMatching(/default account/) });
  });

  it('never writes the secret to the log, though clients send it in the URL', async () => {
    const file = randomFile(filesDir, 'logged.bin', 10);
    expect((await picGoUpload([file.path])).body.success).toBe(true);
    await call('POST', `/heartbeat?key=${secret}x`);
    await service.close();
    const logs = readdirSync(logDirOf(dataDir)).map((name) =>
      readFileSync(join(logDirOf(dataDir), name), 'utf8'),
    );
    const text = logs.join('\n');
    expect(text).toMatch(/local api upload/);
    expect(text).toMatch(/local api refused a request without the right key/);
    expect(text).not.toContain(secret);
  });
});

describe('the local upload API lifecycle', () => {
  it('is off by default and follows settings.update: on, moved to another port, off', async () => {
    const initial = (await service.dispatch('settings.get', {})) as Settings;
    expect(initial.localApi).toMatchObject({ enabled: false, port: 36677 });

    const first = await freePort();
    await updateSettings({ localApi: { port: first } });
    expect(await isListening(first)).toBe(false); // a port alone does not start it

    const enabled = await updateSettings({ localApi: { enabled: true } });
    secret = enabled.localApi.secret;
    expect(await isListening(first)).toBe(true);
    expect((await call('GET', `/heartbeat?key=${secret}`, { port: first })).body.result).toBe('alive');

    const second = await freePort();
    await updateSettings({ localApi: { port: second } });
    expect(await isListening(first)).toBe(false);
    expect((await call('GET', `/heartbeat?key=${secret}`, { port: second })).body.result).toBe('alive');

    await updateSettings({ localApi: { enabled: false } });
    expect(await isListening(second)).toBe(false);
  });

  it('starts with the service when the saved settings enable it, and stops when the service closes', async () => {
    port = await freePort();
    await updateSettings({ localApi: { enabled: true, port } });
    await service.close();
    expect(await isListening(port)).toBe(false);
    service = await harness.open();
    expect(await isListening(port)).toBe(true);
  });

  it('tells the user when the port is taken, and clears that once it listens', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as { port: number }).port;
    try {
      await updateSettings({ localApi: { enabled: true, port: taken } });
      const notice = events.find((event) => event.name === 'notice');
      expect(notice?.payload).toMatchObject({
        kind: 'local-api-unavailable',
        message: expect.stringMatching(new RegExp(`127\\.0\\.0\\.1:${taken}.*another program`)),
      });
      expect(await service.dispatch('notices.list', {})).toMatchObject([{ kind: 'local-api-unavailable' }]);

      port = await freePort();
      await updateSettings({ localApi: { port } });
      expect(await isListening(port)).toBe(true);
      expect(await service.dispatch('notices.list', {})).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });

  it('answers a request still waiting for its uploads with 503 when the API is turned off', async () => {
    port = await freePort();
    const settings = await updateSettings({
      defaultAccountId: sandboxAccountId,
      localApi: { enabled: true, port },
    });
    secret = settings.localApi.secret;
    const file = randomFile(filesDir, 'slow.bin', 1000);
    emulator.injectFault({ kind: 'stall', ms: 2000 });
    const pending = picGoUpload([file.path]);
    for (let tries = 0; tries < 100; tries++) {
      const queue = (await service.dispatch('uploads.list', {})) as TaskView[];
      if (queue.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await updateSettings({ localApi: { enabled: false } });
    const reply = await pending;
    expect(reply.status).toBe(503);
    expect(reply.body.message).toMatch(/uploads go on/);
    await service.idle();
    const page = (await service.dispatch('history.list', { limit: 10 })) as CommandResponse<'history.list'>;
    expect(page.entries.map((entry) => entry.name)).toEqual(['slow.bin']);
  });
});
