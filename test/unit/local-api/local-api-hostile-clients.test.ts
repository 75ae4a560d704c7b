import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalApiServer, type LocalApiServer } from '../../../main/local-api/local-api-server.ts';
import type { ServiceClient } from '../../../main/local-api/upload-batch.ts';
import { createLogger } from '../../../main/log/logger.ts';
import { rawConnect, readUntilClosed } from '../../support/raw-client.ts';

// The local API against clients that break the protocol, in this process: none of these can crash it
// (Node's HTTP parser owns the sockets throughout), what matters is that each is closed and logged
// as a client's fault, never with the key it carried.

const secret = 'hostile-test-secret';

const service: ServiceClient = {
  dispatch: () => Promise.reject(new Error('no upload expected')),
  subscribe: () => () => undefined,
};

let server: LocalApiServer | undefined;
let lines: Array<Record<string, unknown>> = [];

afterEach(async () => {
  await server?.close();
  server = undefined;
  lines = [];
});

async function start(): Promise<number> {
  const logger = await createLogger({
    streams: [{ write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }],
  });
  logger.redactor.register(secret);
  server = await startLocalApiServer({
    service,
    secret: () => secret,
    defaultAccountId: () => 'acc',
    logger,
    port: 0,
  });
  return server.port;
}

describe('the local API against hostile clients', () => {
  it('answers bytes that are not HTTP with 400 and logs the fault, never the key they carried', async () => {
    const port = await start();
    const socket = await rawConnect(port);
    const answer = readUntilClosed(socket);
    socket.write(`\x16\x03\x01 /upload?key=${secret} HTTP/1.1\r\n\r\n`);
    expect((await answer).toString('latin1')).toMatch(/^HTTP\/1\.1 400 /);
    await delay(50);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'client connection closed',
        where: 'local api',
        code: 'HPE_INVALID_METHOD',
      }),
    );
    expect(JSON.stringify(lines)).not.toContain(secret);
    const heartbeat = await fetch(`http://127.0.0.1:${port}/heartbeat?key=${secret}`);
    expect(heartbeat.status).toBe(200);
  });

  it('logs a client that resets mid-body as a closed connection, not as a crash of its own', async () => {
    const port = await start();
    const socket = await rawConnect(port);
    socket.write(
      `POST /upload?key=${secret} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        `Content-Type: application/json\r\nContent-Length: 4096\r\n\r\n{"list": [`,
    );
    await delay(100);
    socket.resetAndDestroy();
    await delay(200);
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'client connection closed', where: 'local api', path: '/upload' }),
    );
    expect(lines.filter((line) => line.msg === 'local api request crashed')).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain(secret);
  });
});
