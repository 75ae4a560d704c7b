import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../../main/sandbox/fault-proxy.ts';

interface Seen {
  method: string;
  url: string;
  host: string;
  bodyBytes: number;
  complete: boolean;
}

let target: Server;
let seen: Seen[];
let proxy: FaultProxy;

beforeEach(async () => {
  seen = [];
  target = createServer((request, response) => {
    const entry: Seen = {
      method: request.method ?? '',
      url: request.url ?? '',
      host: request.headers.host ?? '',
      bodyBytes: 0,
      complete: false,
    };
    seen.push(entry);
    request.on('data', (chunk: Buffer) => (entry.bodyBytes += chunk.length));
    request.on('end', () => {
      entry.complete = true;
      response.writeHead(200, { 'content-type': 'application/json', etag: '"t"' }).end(JSON.stringify(entry));
    });
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  proxy = await startFaultProxy({ target: `http://127.0.0.1:${(target.address() as AddressInfo).port}` });
});

afterEach(async () => {
  await proxy.close();
  target.closeAllConnections();
  await new Promise<void>((resolve) => target.close(() => resolve()));
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request, so a custom Host header and a reset connection are observable as they are. */
function send(method: string, path: string, body = Buffer.alloc(0), host?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${proxy.baseUrl}${path}`, {
      method,
      headers: { 'content-length': String(body.length), ...(host ? { host } : {}) },
      agent: false,
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    request.end(body);
  });
}

describe('startFaultProxy', () => {
  it('forwards requests untouched, keeping the Host header, and counts requests and body bytes', async () => {
    const answer = await send(
      'PUT',
      '/b/k?partNumber=1',
      Buffer.alloc(100_000, 1),
      'bucket.s3.localhost:1234',
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({
      method: 'PUT',
      url: '/b/k?partNumber=1',
      host: 'bucket.s3.localhost:1234',
      bodyBytes: 100_000,
      complete: true,
    });
    expect(proxy.stats()).toEqual({
      requests: 1,
      requestsByMethod: { PUT: 1 },
      requestBodyBytes: 100_000,
      faultsApplied: 0,
    });
  });

  it('answers a status fault itself (429 with Retry-After), after `afterRequests` matching ones, only where it matches', async () => {
    proxy.injectFault(
      { kind: 'status', status: 429, body: 'slow down', retryAfterSeconds: 3 },
      { afterRequests: 1, match: { method: 'PUT', url: /partNumber=/ } },
    );
    expect((await send('GET', '/b/k?partNumber=1')).status).toBe(200); // method does not match
    expect((await send('PUT', '/b/k?partNumber=1', Buffer.from('a'))).status).toBe(200); // let through first
    expect((await send('PUT', '/b/k', Buffer.from('a'))).status).toBe(200); // url does not match
    const throttled = await send('PUT', '/b/k?partNumber=2', Buffer.from('abc'));
    expect(throttled).toMatchObject({ status: 429, body: 'slow down' });
    expect(throttled.headers['retry-after']).toBe('3');
    expect(seen).toHaveLength(3); // the throttled one never reached the target
    expect((await send('PUT', '/b/k?partNumber=2', Buffer.from('abc'))).status).toBe(200); // consumed
    expect(proxy.stats()).toMatchObject({ requests: 5, faultsApplied: 1, requestBodyBytes: 8 });
  });

  it('resets the connection mid-body: the client gets no answer, the target only part of the body', async () => {
    proxy.injectFault({ kind: 'reset', afterBodyBytes: 10_000 });
    await expect(send('PUT', '/x', Buffer.alloc(1_000_000, 2))).rejects.toThrow(
      /socket hang up|ECONNRESET|EPIPE/,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.complete).toBe(false);
    expect(seen[0]!.bodyBytes).toBeLessThanOrEqual(10_000);
    expect((await send('PUT', '/x', Buffer.alloc(10, 2))).status).toBe(200);
  });

  it('stalls the answer of a request the target did handle', async () => {
    proxy.injectFault({ kind: 'stall', ms: 300 });
    const started = performance.now();
    const answer = await send('POST', '/complete', Buffer.from('<x/>'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(answer.status).toBe(200);
    expect(seen[0]!.complete).toBe(true);
  });

  it('replaces the body of a forwarded answer, or answers without forwarding', async () => {
    proxy.injectFault({ kind: 'malformed', body: '<Error><Code>InternalError</Code></Error>' });
    const replaced = await send('POST', '/complete', Buffer.from('<x/>'));
    expect(replaced).toMatchObject({ status: 200, body: '<Error><Code>InternalError</Code></Error>' });
    expect(replaced.headers.etag).toBe('"t"'); // the rest of the target's answer is kept
    expect(seen).toHaveLength(1); // the request took effect

    proxy.injectFault({ kind: 'malformed', body: 'not xml', status: 502, forward: false });
    expect(await send('POST', '/complete', Buffer.from('<x/>'))).toMatchObject({
      status: 502,
      body: 'not xml',
    });
    expect(seen).toHaveLength(1);
  });

  it('loses the answer of a request the target handled in full: the client sees the connection drop', async () => {
    proxy.injectFault({ kind: 'lose-answer' }, { match: { method: 'POST' } });
    await expect(send('POST', '/b/k?uploads', Buffer.from('x'.repeat(5000)))).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    expect(seen).toMatchObject([{ method: 'POST', url: '/b/k?uploads', bodyBytes: 5000, complete: true }]);
    expect((await send('POST', '/b/k?uploads')).status).toBe(200);
    expect(proxy.stats()).toMatchObject({ requests: 2, faultsApplied: 1 });
  });

  it('drops queued faults on clearFaults', async () => {
    proxy.injectFault({ kind: 'status', status: 500 });
    proxy.injectFault({ kind: 'status', status: 503 });
    expect(proxy.clearFaults()).toBe(2);
    expect((await send('GET', '/')).status).toBe(200);
    expect(() => proxy.injectFault({ kind: 'status', status: 500 }, { afterRequests: -1 })).toThrow(
      RangeError,
    );
  });
});
