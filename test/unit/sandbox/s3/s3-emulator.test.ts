import { request as httpRequest } from 'node:http';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signRequest } from '../../../../main/providers/s3/s3-signing.ts';
import { startS3Emulator, type S3Emulator } from '../../../../main/sandbox/s3/s3-emulator.ts';
import { tempDir } from '../../../support/temp.ts';

let emulator: S3Emulator;
let storageDir: string;

beforeEach(async () => {
  storageDir = join(tempDir('ferry-s3-emulator-'), 'store');
  emulator = await startS3Emulator({ storageDir });
});

afterEach(() => emulator.close());

interface Answer {
  status: number;
  body: string;
}

/**
 * A signed request sent with its path exactly as signed: fetch would resolve `..` segments first,
 * and the point here is what the emulator does with the ones a client really sends.
 */
function send(method: string, key: string, body = '', query?: Record<string, string>): Promise<Answer> {
  const target = {
    endpoint: emulator.baseUrl,
    region: emulator.region,
    bucket: emulator.bucket,
    pathStyle: true,
  };
  const signed = signRequest(target, emulator.credentials, {
    method,
    key,
    ...(query ? { query } : {}),
    headers:
      method === 'PUT' || method === 'POST' ? { 'content-length': String(Buffer.byteLength(body)) } : {},
  });
  const url = new URL(emulator.baseUrl);
  const path = signed.url.slice(signed.url.indexOf('/', 'http://'.length));
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers: signed.headers },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const errorCode = (answer: Answer) => /<Code>([^<]*)<\/Code>/.exec(answer.body)?.[1];

describe('S3 emulator: keys it cannot keep as files', () => {
  it('answers KeyTooLongError for a key over 1024 bytes, as S3 does, and keeps serving', async () => {
    const key = `${'a'.repeat(200)}/`.repeat(5) + 'x'.repeat(20); // 1025 bytes, every segment short
    const answer = await send('PUT', key, 'abc');
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('KeyTooLongError');
    expect((await send('PUT', 'fine.txt', 'abc')).status).toBe(200);
    expect(await emulator.listObjects()).toEqual([{ key: 'fine.txt', size: 3 }]);
  });

  it.each([
    ['a 272-byte last segment (a 255-byte file name behind Ferry’s old 17-byte unique part)', 272],
    ['a last segment too long once s3rver adds its suffix', 234],
  ])('answers an error instead of crashing for %s', async (_label, bytes) => {
    const key = `2026/01/${'n'.repeat(bytes - 4)}.jpg`;
    for (const method of ['PUT', 'GET', 'HEAD', 'DELETE']) {
      const answer = await send(method, key, method === 'PUT' ? 'abc' : '');
      expect(answer.status, method).toBe(400);
      if (method !== 'HEAD') expect(errorCode(answer), method).toBe('KeyTooLongError');
    }
    const multipart = await send('POST', key, '', { uploads: '' });
    expect(multipart.status).toBe(400);
    // Still alive, and a key one byte shorter is stored.
    const fits = `2026/01/${'n'.repeat(229)}.jpg`;
    expect((await send('PUT', fits, 'abc')).status).toBe(200);
    expect((await send('GET', fits)).body).toBe('abc');
  });

  it('refuses "." and ".." segments, which would put an object outside its bucket', async () => {
    for (const key of ['../escaped.txt', 'a/../../escaped.txt', './here.txt', 'a/./b.txt']) {
      const answer = await send('PUT', key, 'abc');
      expect(answer.status, key).toBe(400);
      expect(errorCode(answer), key).toBe('InvalidArgument');
    }
    expect(readdirSync(dirname(storageDir))).toEqual(['store']);
    expect(await emulator.listObjects()).toEqual([]);
  });
});
