import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startOppoPushEmulator,
  type OppoPushEmulator,
} from '../../../main/sandbox/oppo-push/oppo-push-emulator.ts';
import { tempDir } from '../../support/temp.ts';

/** A loopback file server standing in for the storage account: path → bytes. */
const files = new Map<string, Buffer>();
let fileServer: Server;
let filesUrl: string;

beforeAll(async () => {
  fileServer = createServer((request, response) => {
    const data = files.get(request.url ?? '');
    if (!data) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Length': String(data.length) }).end(data);
  });
  await new Promise<void>((resolve) => fileServer.listen(0, '127.0.0.1', resolve));
  filesUrl = `http://127.0.0.1:${(fileServer.address() as AddressInfo).port}`;

  const flat = (width: number, height: number) =>
    sharp({ create: { width, height, channels: 3, background: '#4080c0' } });
  files.set('/big.jpg', await flat(984, 369).jpeg().toBuffer());
  files.set('/small.png', await flat(144, 144).png().toBuffer());
  files.set('/wrong-size.jpg', await flat(1000, 369).jpeg().toBuffer());
  files.set('/small.gif', await flat(144, 144).gif().toBuffer());
  // Noise does not compress: 984×369 RGB lossless PNG is ~1.09 MB, over the 1 MB limit.
  files.set(
    '/too-heavy.png',
    await sharp({
      create: {
        width: 984,
        height: 369,
        channels: 3,
        background: '#000',
        noise: { type: 'gaussian', mean: 128, sigma: 80 },
      },
    })
      .png({ compressionLevel: 9 })
      .toBuffer(),
  );
});

afterAll(async () => {
  await new Promise((resolve) => fileServer.close(resolve));
});

let emulator: OppoPushEmulator;
beforeEach(async () => {
  emulator = await startOppoPushEmulator({ storageDir: tempDir('ferry-oppo-emulator-') });
});
afterEach(async () => {
  await emulator.close();
});

function basic(appKey: string, secret: string): string {
  return `Basic ${Buffer.from(`${appKey}:${secret}`).toString('base64')}`;
}

async function post(
  body: unknown,
  options: { auth?: string | null; path?: string; method?: string } = {},
): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
  const auth =
    options.auth === undefined
      ? basic(emulator.credentials.appKey, emulator.credentials.masterSecret)
      : options.auth;
  const response = await fetch(`${emulator.baseUrl}${options.path ?? '/v4/image/oppo'}`, {
    method: options.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...(auth === null ? {} : { authorization: auth }) },
    ...(options.method === 'GET' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, headers: response.headers };
}

const error = (code: number, message: string) => ({ error: { code, message } });

describe('the OPPO push image emulator', () => {
  it('registers exact-size JPEG/PNG pictures it fetched and answers their ids', async () => {
    const answer = await post({
      big_picture_url: `${filesUrl}/big.jpg`,
      small_picture_url: `${filesUrl}/small.png`,
    });
    expect(answer.status).toBe(200);
    const pictures = emulator.pictures();
    expect(pictures.map((p) => [p.role, p.format, p.width, p.height])).toEqual([
      ['big', 'jpeg', 984, 369],
      ['small', 'png', 144, 144],
    ]);
    expect(answer.json).toEqual({ big_picture_id: pictures[0]!.id, small_picture_id: pictures[1]!.id });
    expect(emulator.stats()).toEqual({ requests: 1, fetches: 2, registrations: 1 });
  });

  it.each([
    ['wrong dimensions', { big_picture_url: '/wrong-size.jpg' }, /1000×369, not 984×369/],
    ['over the byte limit', { big_picture_url: '/too-heavy.png' }, /bytes, over the 1000000 allowed/],
    ['not PNG/JPEG', { small_picture_url: '/small.gif' }, /format gif/],
    ['the big picture given as the small icon', { small_picture_url: '/big.jpg' }, /984×369, not 144×144/],
  ])('answers 51 with HTTP 200 for %s', async (_name, fields, reason) => {
    const body = Object.fromEntries(Object.entries(fields).map(([key, path]) => [key, `${filesUrl}${path}`]));
    const answer = await post(body);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(error(51, 'Picture Size Exceeds'));
    expect(emulator.refused()[0]!.reason).toMatch(reason);
    expect(emulator.pictures()).toEqual([]);
  });

  it('fetches only from 127.0.0.1, and refuses other URLs with 21003 without fetching', async () => {
    for (const url of [
      'http://example.com/big.jpg',
      'http://localhost/big.jpg',
      'file:///etc/passwd',
      'nonsense',
    ]) {
      const answer = await post({ big_picture_url: url });
      expect(answer).toMatchObject({ status: 400, json: error(21003, 'Parameter value is invalid') });
    }
    expect(emulator.stats().fetches).toBe(0);
  });

  it('answers 21003 for a loopback URL that cannot be downloaded, and for bodies that are not an object', async () => {
    expect((await post({ big_picture_url: `${filesUrl}/missing.jpg` })).json).toEqual(
      error(21003, 'Parameter value is invalid'),
    );
    expect((await post('{not json')).status).toBe(400);
    expect((await post({ big_picture_url: 42 })).json).toMatchObject({ error: { code: 21003 } });
  });

  it('checks Basic auth before anything else (23001, HTTP 401)', async () => {
    for (const auth of [null, basic(emulator.credentials.appKey, 'wrong'), 'Bearer abc']) {
      const answer = await post({}, { auth });
      expect(answer).toMatchObject({ status: 401, json: error(23001, 'Basic authentication failed') });
    }
  });

  it('answers 23002 when no picture URL is given, and 21001 for other paths or methods', async () => {
    expect(await post({})).toMatchObject({ status: 400, json: error(23002, 'Missing parameter!') });
    expect(await post({ big_picture_url: '' })).toMatchObject({ json: { error: { code: 23002 } } });
    expect(await post({}, { path: '/v4/image/huawei' })).toMatchObject({
      status: 404,
      json: { error: { code: 21001 } },
    });
    expect(await post({}, { method: 'GET' })).toMatchObject({
      status: 404,
      json: error(21001, 'The method is not supported or url err'),
    });
  });

  it.each([
    [21001, 404],
    [21003, 400],
    [23001, 401],
    [23002, 400],
    [23100, 500],
    [27000, 500],
    [51, 200],
  ] as const)('injects error %i with HTTP %i', async (code, status) => {
    emulator.injectFault({ kind: 'error', code });
    const answer = await post({ big_picture_url: `${filesUrl}/big.jpg` });
    expect(answer.status).toBe(status);
    expect(answer.json).toMatchObject({ error: { code } });
    // One request only: the next one goes through.
    expect((await post({ big_picture_url: `${filesUrl}/big.jpg` })).status).toBe(200);
  });

  it('injects transport faults: status with Retry-After, malformed JSON, reset, stall', async () => {
    const body = { small_picture_url: `${filesUrl}/small.png` };
    emulator.injectFault({ kind: 'http-status', status: 429, retryAfterSeconds: 7 });
    emulator.injectFault({ kind: 'malformed-json' });
    emulator.injectFault({ kind: 'reset' });
    emulator.injectFault({ kind: 'stall', ms: 300 }, { afterRequests: 1 });

    const throttled = await post(body);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    const malformed = await post(body);
    expect(malformed.status).toBe(200);
    expect(malformed.json).toBeUndefined();
    await expect(post(body)).rejects.toThrow();
    expect((await post(body)).status).toBe(200); // let through by afterRequests
    const started = Date.now();
    expect((await post(body)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(emulator.clearFaults()).toBe(0);
  });

  it('answers an injected answer verbatim, registering nothing', async () => {
    emulator.injectFault({ kind: 'answer', status: 200, body: '{}' });
    const answer = await post({ small_picture_url: `${filesUrl}/small.png` });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({});
    expect(emulator.stats()).toMatchObject({ requests: 1, fetches: 0, registrations: 0 });
  });
});
