import { randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import got from 'got';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SentFile } from '../../../../main/engine/sent-file.ts';
import { multipartFileForm } from '../../../../main/providers/multipart-form.ts';
import {
  startImFileEmulator,
  type ImFileEmulator,
} from '../../../../main/sandbox/im-file-api/im-file-emulator.ts';
import { tempDir } from '../../../support/temp.ts';

const http = got.extend({ retry: { limit: 0 }, throwHttpErrors: false, followRedirect: false });

let emulator: ImFileEmulator;
let filesDir: string;

beforeEach(async () => {
  filesDir = tempDir('ferry-im-file-files-');
  emulator = await startImFileEmulator({ storageDir: join(filesDir, 'storage') });
});

afterEach(async () => {
  await emulator.close();
  rmSync(filesDir, { recursive: true, force: true });
});

/** A file to send: its bytes, or a sparse file of that size (reads as zeros, takes no disk). */
function fileOf(content: Buffer | number) {
  const path = join(filesDir, `${randomBytes(4).toString('hex')}.bin`);
  if (typeof content === 'number') {
    const fd = openSync(path, 'w');
    ftruncateSync(fd, content);
    closeSync(fd);
  } else {
    writeFileSync(path, content);
  }
  const { size, mtimeMs, ctimeMs } = statSync(path);
  return new SentFile({
    path,
    name: 'a.bin',
    mimeType: 'application/octet-stream',
    identity: { size, mtimeMs, ctimeMs },
  });
}

const auth = () => ({ app_id: emulator.credentials.appId, 'access-token': emulator.credentials.accessToken });

interface TicketData {
  upload_url: string;
  download_url: string;
  oss_body_param: Record<string, string>;
}

async function envelope(path: string, headers: Record<string, string> = auth()) {
  const response = await http.get(`${emulator.baseUrl}${path}`, { headers }).json<{
    code: number;
    message: string | null;
    data: unknown;
  }>();
  return response;
}

async function chatTicket(): Promise<TicketData> {
  const answer = await envelope('/file/upload/chat?file_type=100&to_id=alice&to_type=1');
  expect(answer.code).toBe(200);
  return answer.data as TicketData;
}

function post(ticket: TicketData, fields: Array<[string, string]>, content: Buffer) {
  const form = multipartFileForm({ fields, fileField: 'file', file: fileOf(content) });
  return http.post(ticket.upload_url, { body: form.body, headers: form.headers });
}

describe('the IM endpoints', () => {
  it.each([
    ['no token', { app_id: 'x' }, 10003],
    ['an unknown app_id', { app_id: 'x', 'access-token': 't' }, 40000],
    ['a wrong token', () => ({ ...auth(), 'access-token': 'nope' }), 10008],
  ] as const)('answer %s with an HTTP 200 envelope', async (_label, headers, code) => {
    const answer = await envelope(
      '/file/upload/chat?file_type=100&to_id=a&to_type=1',
      typeof headers === 'function' ? headers() : headers,
    );
    expect(answer).toMatchObject({ code, data: null });
    expect(answer.message).toBeTruthy();
  });

  it('answers 402 for an expired token', async () => {
    emulator.expireAccessToken();
    expect((await envelope('/file/upload/avatar/user')).code).toBe(402);
  });

  it.each([
    '/file/upload/chat?file_type=105&to_id=a&to_type=1',
    '/file/upload/chat?file_type=100&to_type=1',
    '/file/upload/chat?file_type=100&to_id=a&to_type=3',
    '/file/upload/avatar/group',
    '/file/upload/forward?file_sign=unknown&to_id=a&to_type=1',
  ])('refuses bad parameters with 10002: %s', async (path) => {
    expect((await envelope(path)).code).toBe(10002);
  });

  it('hands out an OSS PostObject ticket', async () => {
    const ticket = await chatTicket();
    expect(Object.keys(ticket.oss_body_param).sort()).toEqual(
      ['OSSAccessKeyId', 'callback', 'key', 'policy', 'signature'].sort(),
    );
    expect(ticket.download_url).toMatch(/\/file\/download\/chat\?file_sign=/);
  });
});

describe('the storage endpoint', () => {
  it('takes field names in any case and answers with the callback body', async () => {
    const ticket = await chatTicket();
    const content = randomBytes(1000);
    const fields = Object.entries(ticket.oss_body_param).map(([name, value], i): [string, string] => [
      i % 2 ? name.toUpperCase() : name[0]!.toUpperCase() + name.slice(1),
      value,
    ]);
    const response = await post(ticket, fields, content);
    expect(response.statusCode, response.body).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ Status: 'OK' });
    expect(emulator.listObjects()).toMatchObject([{ size: 1000, key: ticket.oss_body_param.key }]);
  });

  it('refuses a form whose file is not the last field', async () => {
    const ticket = await chatTicket();
    const form = multipartFileForm({
      fields: Object.entries(ticket.oss_body_param),
      fileField: 'file',
      file: fileOf(Buffer.from('abc')),
    });
    const boundary = form.headers['content-type'].split('boundary=')[1]!;
    // Each chunk copied: its buffer is read into again once the next is asked for.
    const chunks: Buffer[] = [];
    for await (const chunk of form.body) chunks.push(Buffer.from(chunk));
    const text = Buffer.concat(chunks).toString('latin1');
    // One more field after the file part, before the closing boundary.
    const reordered = text.replace(
      `--${boundary}--\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="x-oss-meta-note"\r\n\r\nlate\r\n--${boundary}--\r\n`,
    );
    const response = await http.post(ticket.upload_url, {
      body: Buffer.from(reordered, 'latin1'),
      headers: { 'content-type': form.headers['content-type'] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(/must be the last field/);
    expect(emulator.listObjects()).toEqual([]);
  });

  it.each([
    ['signature', 'AAAA', 'SignatureDoesNotMatch'],
    ['OSSAccessKeyId', 'LTAIother', 'InvalidAccessKeyId'],
    ['callback', 'e30=', 'InvalidArgument'],
  ])('refuses a tampered %s with an OSS error', async (name, value, code) => {
    const ticket = await chatTicket();
    const fields = Object.entries({ ...ticket.oss_body_param, [name]: value });
    const response = await post(ticket, fields, Buffer.from('x'));
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.body).toContain(`<Code>${code}</Code>`);
    expect(emulator.listObjects()).toEqual([]);
  });

  it('says "Policy expired" once the ticket expired', async () => {
    const ticket = await chatTicket();
    emulator.expireTickets();
    const response = await post(ticket, Object.entries(ticket.oss_body_param), Buffer.from('x'));
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Policy expired.');
  });

  it.each([
    [200, 200, ''],
    [201, 201, '<PostResponse>'],
    [204, 204, ''],
  ] as const)(
    'without a callback, answers what success_action_status %s asks for',
    async (asked, status, body) => {
      emulator.setOssSuccessAnswer(asked);
      const ticket = await chatTicket();
      expect(ticket.oss_body_param.callback).toBeUndefined();
      expect(ticket.oss_body_param.success_action_status).toBe(asked === 204 ? undefined : String(asked));
      const policy = JSON.parse(Buffer.from(ticket.oss_body_param.policy!, 'base64').toString()) as {
        conditions: unknown[];
      };
      if (asked !== 204) expect(policy.conditions).toContainEqual({ success_action_status: String(asked) });
      const response = await post(ticket, Object.entries(ticket.oss_body_param), Buffer.from('abc'));
      expect(response.statusCode).toBe(status);
      const [object] = emulator.listObjects();
      const etag = `"${object!.sha256.slice(0, 32).toUpperCase()}"`;
      expect(response.headers.etag).toBe(etag);
      if (body === '') expect(response.body).toBe('');
      else {
        expect(response.body).toContain(`<Key>${object!.key}</Key>`);
        expect(response.body).toContain(`<ETag>&quot;${etag.slice(1, -1)}&quot;</ETag>`);
      }
    },
  );

  it('refuses a callback the ticket did not give', async () => {
    emulator.setOssSuccessAnswer(201);
    const ticket = await chatTicket();
    const fields = Object.entries({ ...ticket.oss_body_param, callback: 'e30=' });
    const response = await post(ticket, fields, Buffer.from('x'));
    expect(response.statusCode).toBe(400);
    expect(emulator.listObjects()).toEqual([]);
  });

  it('holds a file to the policy’s content-length-range after reading it', async () => {
    emulator.setMaxObjectBytes(1000);
    const ticket = await chatTicket();
    const policy = JSON.parse(Buffer.from(ticket.oss_body_param.policy!, 'base64').toString()) as {
      conditions: unknown[];
    };
    expect(policy.conditions).toContainEqual(['content-length-range', 0, 1000]);
    const over = await post(ticket, Object.entries(ticket.oss_body_param), randomBytes(1001));
    expect(over.statusCode).toBe(400);
    expect(over.body).toContain('<Code>EntityTooLarge</Code>');
    expect(emulator.listObjects()).toEqual([]);
    expect(emulator.stats().bodyBytesReceived).toBeGreaterThan(1001);
    const fits = await post(ticket, Object.entries(ticket.oss_body_param), randomBytes(1000));
    expect(fits.statusCode).toBe(200);
  });

  it.each([
    [{ kind: 'stored-answer', status: 202, body: 'odd', contentType: 'text/plain' }, 202, 'odd'],
    [{ kind: 'malformed-json' }, 200, '{"code": 200, "message": null, "data": {'],
  ] as const)('stores the object before a %o answer', async (fault, status, body) => {
    emulator.injectFault(fault, { endpoint: 'storage' });
    const ticket = await chatTicket();
    const response = await post(ticket, Object.entries(ticket.oss_body_param), Buffer.from('kept'));
    expect(response.statusCode).toBe(status);
    expect(response.body).toBe(body);
    expect(emulator.listObjects()).toMatchObject([{ key: ticket.oss_body_param.key, size: 4 }]);
  });

  it('wants a Content-Length (no chunked PostObject)', async () => {
    const ticket = await chatTicket();
    const form = multipartFileForm({
      fields: Object.entries(ticket.oss_body_param),
      fileField: 'file',
      file: fileOf(Buffer.from('x')),
    });
    const response = await http.post(ticket.upload_url, {
      body: form.body,
      headers: { 'content-type': form.headers['content-type'] },
    });
    expect(response.statusCode).toBe(411);
  });

  it('forgets an upload whose client went away mid-body, and still closes promptly', async () => {
    const ticket = await chatTicket();
    const form = multipartFileForm({
      fields: Object.entries(ticket.oss_body_param),
      fileField: 'file',
      file: fileOf(10 * 1024 * 1024),
    });
    const request = httpRequest(ticket.upload_url, { method: 'POST', headers: form.headers });
    request.on('error', () => undefined);
    // 1 of the 10 MiB promised, then nothing more.
    let written = 0;
    for await (const chunk of form.body) {
      request.write(chunk);
      written += (chunk as Buffer).length;
      if (form.fileBytes(written) >= 1024 * 1024) break;
    }
    while (emulator.stats().bodyBytesReceived < 1024 * 1024) await setTimeout(5);
    request.destroy();
    await setTimeout(50);
    expect(emulator.listObjects()).toEqual([]);
    const closed = await Promise.race([emulator.close().then(() => 'closed'), setTimeout(2000, 'hung')]);
    expect(closed).toBe('closed');
  });

  it('streams a large upload to disk without holding it in memory', async () => {
    const ticket = await chatTicket();
    const size = 256 * 1024 * 1024;
    const form = multipartFileForm({
      fields: Object.entries(ticket.oss_body_param),
      fileField: 'file',
      file: fileOf(size),
    });
    const before = process.memoryUsage().rss;
    let peak = before;
    const request = http.post(ticket.upload_url, { body: form.body, headers: form.headers });
    request.on('uploadProgress', () => {
      peak = Math.max(peak, process.memoryUsage().rss);
    });
    const big = await request;
    expect(big.statusCode).toBe(200);
    expect(peak - before).toBeLessThan(96 * 1024 * 1024);
    expect(emulator.listObjects().find((o) => o.key === ticket.oss_body_param.key)?.size).toBe(size);
    expect(emulator.stats().bodyBytesReceived).toBeGreaterThanOrEqual(size);
  });
});

describe('downloads', () => {
  it('answer errors as 200 envelopes and objects as a 302 to signed storage', async () => {
    const ticket = await chatTicket();
    await post(ticket, Object.entries(ticket.oss_body_param), Buffer.from('payload'));
    const noAuth = await http.get(ticket.download_url);
    expect(noAuth.statusCode).toBe(200);
    expect(JSON.parse(noAuth.body)).toMatchObject({ code: 10003 });
    const unknown = await http.get(`${emulator.baseUrl}/file/download/chat?file_sign=nope`, {
      headers: auth(),
    });
    expect(JSON.parse(unknown.body)).toMatchObject({ code: 10002 });
    // Credentials in the query work too, and image_type/format are accepted.
    const url = new URL(ticket.download_url);
    url.searchParams.set('app_id', emulator.credentials.appId);
    url.searchParams.set('access-token', emulator.credentials.accessToken);
    url.searchParams.set('image_type', '2');
    const redirect = await http.get(url);
    expect(redirect.statusCode).toBe(302);
    const object = await http.get(redirect.headers.location!);
    expect(object.body).toBe('payload');
    const tampered = await http.get(redirect.headers.location!.replace(/Signature=[^&]+/, 'Signature=xx'));
    expect(tampered.statusCode).toBe(403);
  });

  it('serves avatars by object_name', async () => {
    const answer = await envelope('/file/upload/avatar/group?group_id=g1');
    const ticket = answer.data as TicketData;
    await post(ticket, Object.entries(ticket.oss_body_param), Buffer.from('face'));
    expect(ticket.download_url).toMatch(/\/file\/download\/avatar\?object_name=/);
    const redirect = await http.get(`${ticket.download_url}&image_type=1`, { headers: auth() });
    expect(redirect.statusCode).toBe(302);
    expect((await http.get(redirect.headers.location!)).body).toBe('face');
  });
});
