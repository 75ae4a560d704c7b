import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import got from 'got';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BodyHold, holdRequestBody } from '../../../main/sandbox/body-hold.ts';

const MiB = 1024 * 1024;
const size = 32 * MiB;

let server: Server;
let url: string;
let hold: BodyHold;
let received: number;

beforeEach(async () => {
  received = 0;
  hold = new BodyHold(64 * 1024);
  server = createServer((request, response) => {
    holdRequestBody(request, hold);
    request.on('data', (chunk: Buffer) => (received += chunk.length));
    request.on('end', () => response.end(String(received)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A body that counts what the client has read of it so far. */
function countedBody(): { body: Readable; read(): number } {
  let read = 0;
  const chunk = Buffer.alloc(64 * 1024, 1);
  const body = Readable.from(
    (function* () {
      for (let sent = 0; sent < size; sent += chunk.length) {
        read += chunk.length;
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
  return { body, read: () => read };
}

describe('a request body held part-way', () => {
  it('stops the client well before the end until released, then delivers every byte in order', async () => {
    const { body, read } = countedBody();
    const answer = got.put(url, { body, headers: { 'content-length': String(size) } }).text();
    await hold.reached;
    // Let the client fill whatever the sockets buffer; it must then be stuck, far from the end.
    let last = -1;
    while (read() !== last) {
      last = read();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(received).toBeGreaterThanOrEqual(hold.afterBytes);
    expect(received).toBeLessThan(2 * hold.afterBytes);
    expect(read()).toBeLessThan(size / 2);

    hold.release();
    expect(Number(await answer)).toBe(size);
  });

  it('refuses a hold at less than one byte', () => {
    expect(() => new BodyHold(0)).toThrow(RangeError);
  });
});
