import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startEasemobEmulator,
  type EasemobEmulator,
  type EasemobEmulatorOptions,
} from '../../../../main/sandbox/easemob/easemob-emulator.ts';
import { tempDir } from '../../../support/temp.ts';

let emulator: EasemobEmulator;

async function start(options: Partial<EasemobEmulatorOptions> = {}): Promise<EasemobEmulator> {
  await emulator?.close();
  emulator = await startEasemobEmulator({ storageDir: tempDir('ferry-easemob-unit-'), ...options });
  return emulator;
}

beforeEach(async () => {
  await start();
});

afterEach(async () => {
  await emulator.close();
});

const appUrl = () => `${emulator.baseUrl}/${emulator.credentials.orgName}/${emulator.credentials.appName}`;

function requestToken(body: unknown, url = `${appUrl()}/token`): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function token(extra: Record<string, unknown> = {}): Promise<string> {
  const response = await requestToken({
    grant_type: 'client_credentials',
    client_id: emulator.credentials.clientId,
    client_secret: emulator.credentials.clientSecret,
    ...extra,
  });
  expect(response.status).toBe(200);
  const json = (await response.json()) as { access_token: string; expires_in: number; application: string };
  expect(json.application).toMatch(/^[0-9a-f-]{36}$/);
  return json.access_token;
}

function uploadRequest(
  bytes: Uint8Array,
  options: {
    token?: string;
    headers?: Record<string, string>;
    fields?: Record<string, string>;
    type?: string;
  } = {},
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(options.fields ?? {})) form.append(name, value);
  form.append('file', new Blob([bytes], { type: options.type ?? 'application/octet-stream' }), 'f.bin');
  return fetch(`${appUrl()}/chatfiles`, {
    method: 'POST',
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
    body: form,
  });
}

async function upload(
  bytes: Uint8Array,
  options: Parameters<typeof uploadRequest>[1] = {},
): Promise<{ uuid: string; secret: string }> {
  const response = await uploadRequest(bytes, { token: await token(), ...options });
  expect(response.status).toBe(200);
  const json = (await response.json()) as {
    action: string;
    uri: string;
    entities: Array<{ uuid: string; type: string; 'share-secret': string }>;
  };
  expect(json).toMatchObject({ action: 'post', path: '/chatfiles', uri: `${appUrl()}/chatfiles` });
  expect(json.entities[0]!.type).toBe('chatfile');
  return { uuid: json.entities[0]!.uuid, secret: json.entities[0]!['share-secret'] };
}

describe('the Easemob emulator', () => {
  it('issues tokens only for the right client credentials, with Easemob’s errors otherwise', async () => {
    const good = { grant_type: 'client_credentials', client_id: emulator.credentials.clientId };
    const cases: Array<[unknown, number, string, string]> = [
      [{ ...good, client_secret: 'nope' }, 400, 'invalid_grant', 'client_secret does not match'],
      [{ ...good, client_id: 'other', client_secret: 'x' }, 400, 'invalid_grant', 'client_id does not match'],
      [
        { grant_type: 'client_credentials', client_secret: 'x' },
        400,
        'illegal_argument',
        'client_id must be provided.',
      ],
      [good, 400, 'illegal_argument', 'client_secret must be provided'],
    ];
    for (const [body, status, error, description] of cases) {
      const response = await requestToken(body);
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ error, error_description: description });
    }
    const wrongApp = await requestToken({}, `${emulator.baseUrl}/${emulator.credentials.orgName}/nope/token`);
    expect(wrongApp.status).toBe(404);
    expect(await wrongApp.json()).toMatchObject({ error: 'organization_application_not_found' });
    expect(emulator.stats()).toMatchObject({ tokenRequests: 4, tokensIssued: 0 }); // the unknown app never reached one
  });

  it('refuses uploads without a good token: missing or expired → unauthorized, unknown → auth_bad_access_token', async () => {
    const missing = await uploadRequest(new Uint8Array(3));
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: 'unauthorized' });
    const unknown = await uploadRequest(new Uint8Array(3), { token: 'YWMtforged' });
    expect(await unknown.json()).toMatchObject({
      error: 'auth_bad_access_token',
      exception: 'org.apache.usergrid.rest.exceptions.SecurityException',
    });
    const issued = await token();
    emulator.expireTokens();
    const expired = await uploadRequest(new Uint8Array(3), { token: issued });
    expect(await expired.json()).toMatchObject({
      error: 'unauthorized',
      error_description: 'Unable to authenticate due to expired access token',
    });
    const permanent = await token({ ttl: 0 });
    emulator.expireTokens(); // a ttl-0 token has no expiry to pass
    expect((await uploadRequest(new Uint8Array(3), { token: permanent })).status).toBe(401);
    expect(emulator.stats()).toMatchObject({ unauthorized: 4, storedFiles: 0 });
  });

  it('answers 400 illegal_argument when there is no `file` part, and 413 over the limit', async () => {
    await start({ maxFileBytes: 1000 });
    const form = new FormData();
    form.append('other', 'x');
    const noFile = await fetch(`${appUrl()}/chatfiles`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token()}` },
      body: form,
    });
    expect(noFile.status).toBe(400);
    expect(await noFile.json()).toMatchObject({
      error: 'illegal_argument',
      error_description: 'file must be provided.',
    });

    const over = await uploadRequest(new Uint8Array(1001), { token: await token() });
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({
      error: 'file exceeding maximum limit',
      error_description: 'the file size exceeds the maximum limit.',
    });
    await upload(new Uint8Array(1000)); // the limit itself is allowed
    expect(emulator.listObjects()).toHaveLength(1);
  });

  it('serves restricted files only with their share-secret, as a header or a query parameter', async () => {
    const bytes = randomBytes(5000);
    const { uuid, secret } = await upload(bytes, { headers: { 'restrict-access': 'true' } });
    const url = `${appUrl()}/chatfiles/${uuid}`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { 'share-secret': 'wrong' } })).status).toBe(401);
    const viaHeader = await fetch(url, {
      headers: { 'share-secret': secret, accept: 'application/octet-stream' },
    });
    expect(Buffer.from(await viaHeader.arrayBuffer())).toEqual(bytes);
    const viaQuery = await fetch(`${url}?share-secret=${encodeURIComponent(secret)}`);
    expect(Buffer.from(await viaQuery.arrayBuffer())).toEqual(bytes);
    // A token that is sent must be good, even with the right secret.
    expect(
      (await fetch(url, { headers: { 'share-secret': secret, authorization: 'Bearer bad' } })).status,
    ).toBe(401);

    const open = await upload(bytes);
    expect((await fetch(`${appUrl()}/chatfiles/${open.uuid}`)).status).toBe(200);
    expect((await fetch(`${appUrl()}/chatfiles/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
  });

  it('serves thumbnails for `thumbnail: true`: made to the requested box above 10 KB, the picture itself below', async () => {
    const big = await sharp(randomBytes(300 * 200 * 3), { raw: { width: 300, height: 200, channels: 3 } })
      .png()
      .toBuffer();
    expect(big.length).toBeGreaterThan(10 * 1024);
    // The size as form fields, as older docs send it.
    const fromFields = await upload(big, {
      type: 'image/png',
      fields: { 'thumbnail-width': '60', 'thumbnail-height': '60' },
    });
    const thumb = await fetch(`${appUrl()}/chatfiles/${fromFields.uuid}`, { headers: { thumbnail: 'true' } });
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([60, 40]);

    const fromDefault = await upload(big, { type: 'image/png' });
    const defaultThumb = await fetch(`${appUrl()}/chatfiles/${fromDefault.uuid}`, {
      headers: { thumbnail: 'true' },
    });
    const defaultMeta = await sharp(Buffer.from(await defaultThumb.arrayBuffer())).metadata();
    expect([defaultMeta.width, defaultMeta.height]).toEqual([170, 113]);

    const small = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const own = await upload(small, {
      type: 'image/png',
      headers: { 'thumbnail-width': '5', 'thumbnail-height': '5' },
    });
    const same = await fetch(`${appUrl()}/chatfiles/${own.uuid}`, { headers: { thumbnail: 'true' } });
    expect(Buffer.from(await same.arrayBuffer())).toEqual(small);
  });

  it('answers 429 reach_limit past the rate limit, with Retry-After when configured', async () => {
    await start({ requestsPerSecond: 2, rateLimitRetryAfterSeconds: 1 });
    const bearer = await token();
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 4; i++) {
      const response = await uploadRequest(new Uint8Array(10), { token: bearer });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(limited!.headers.get('retry-after')).toBe('1');
    expect(await limited!.json()).toMatchObject({
      error: 'reach_limit',
      error_description: 'This request has reached api limit',
    });
    expect(emulator.stats()).toMatchObject({ rateLimited: 2, storedFiles: 2 });
  });

  it('drops the connection for a reset fault and stores nothing', async () => {
    emulator.injectFault({ kind: 'reset' });
    await expect(uploadRequest(randomBytes(200_000), { token: await token() })).rejects.toThrow();
    expect(emulator.listObjects()).toEqual([]);
    await upload(new Uint8Array(1));
    expect(emulator.listObjects()).toHaveLength(1);
  });
});
