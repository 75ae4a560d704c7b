import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { presignGet, signRequest } from '../../../../main/providers/s3/s3-signing.ts';
import { verifySigV4 } from '../../../../main/sandbox/s3/sigv4-verifier.ts';

const keys = { accessKeyId: 'FERRYTESTKEY', secretAccessKey: 'the-secret' };
const target = { endpoint: 'http://s3.localhost:4568', region: 'us-east-1', bucket: 'b', pathStyle: true };

/** What the verifier reads of a request, as the server would see it arrive. */
function arriving(url: string, method: string, headers: Record<string, string>): IncomingMessage {
  const lower = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return { url: url.replace(/^https?:\/\/[^/]+/, ''), method, headers: lower } as unknown as IncomingMessage;
}

describe('verifySigV4', () => {
  it('accepts what the adapter signs, in either addressing style', () => {
    for (const pathStyle of [true, false]) {
      const signed = signRequest({ ...target, pathStyle }, keys, {
        method: 'PUT',
        key: '2026/11/ab-a b+c.bin',
        query: { partNumber: '2', uploadId: 'abc' },
        headers: { 'Content-Length': '10', 'Content-MD5': 'AAAAAAAAAAAAAAAAAAAAAA==' },
      });
      expect(verifySigV4(arriving(signed.url, 'PUT', signed.headers), keys)).toEqual({ ok: true });
    }
  });

  it('refuses a wrong secret, an unknown key id, a tampered request and an unsigned one', () => {
    const signed = signRequest(target, { ...keys, secretAccessKey: 'wrong' }, { method: 'GET', key: 'k' });
    expect(verifySigV4(arriving(signed.url, 'GET', signed.headers), keys)).toMatchObject({
      ok: false,
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
    const stranger = signRequest(target, { ...keys, accessKeyId: 'OTHER' }, { method: 'GET', key: 'k' });
    expect(verifySigV4(arriving(stranger.url, 'GET', stranger.headers), keys)).toMatchObject({
      code: 'InvalidAccessKeyId',
    });
    const good = signRequest(target, keys, { method: 'GET', key: 'k' });
    expect(verifySigV4(arriving(`${good.url}x`, 'GET', good.headers), keys)).toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
    expect(verifySigV4(arriving(good.url, 'DELETE', good.headers), keys)).toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
    expect(verifySigV4(arriving(good.url, 'GET', {}), keys)).toMatchObject({ code: 'AccessDenied' });
  });

  it('accepts a presigned link until it expires', () => {
    const issued = new Date('2026-01-01T00:00:00Z');
    const url = presignGet(target, keys, 'dir/file name.txt', 3600, issued);
    const request = arriving(url, 'GET', { host: 's3.localhost:4568' });
    expect(verifySigV4(request, keys, issued.getTime() + 3_599_000)).toEqual({ ok: true });
    expect(verifySigV4(request, keys, issued.getTime() + 3_601_000)).toMatchObject({
      code: 'AccessDenied',
      message: 'Request has expired',
    });
    const forged = arriving(url.replace('file%20name', 'other'), 'GET', { host: 's3.localhost:4568' });
    expect(verifySigV4(forged, keys, issued.getTime())).toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});
