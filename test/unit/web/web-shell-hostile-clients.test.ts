import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createThumbnailer } from '../../../main/thumbnails/thumbnailer.ts';
import {
  rawConnect,
  readUntilClosed,
  upgrade,
  upgradeRequest,
  wsFrame,
  wsOpcodes,
} from '../../support/raw-client.ts';
import { startWebShellChild, type WebShellChild } from '../../support/web-shell-child.ts';

// Each case runs against `npm run web` in a child process of its own: a client that can crash the web
// shell shows up as that child exiting (and its stack on stderr), never as this runner dying.

let shell: WebShellChild;

beforeEach(async () => {
  shell = await startWebShellChild();
});

afterEach(async () => {
  await shell.close();
});

/** The child is still running, serves the page and carries a contract command. */
async function expectServing(): Promise<void> {
  expect(shell.exit, `the web shell exited:\n${shell.stderr()}`).toBeUndefined();
  const page = await fetch(`${shell.origin}/`);
  expect(page.status).toBe(200);
  await page.text();
  const ws = new WebSocket(`${shell.origin.replace('http', 'ws')}/ws?token=${shell.token}`, {
    origin: shell.origin,
  });
  const result = await new Promise<Record<string, unknown>>((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () =>
      ws.send(JSON.stringify({ type: 'command', id: 1, name: 'accounts.list', request: {} })),
    );
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      if (message.type === 'result') resolve(message);
    });
  });
  ws.close();
  expect(result).toMatchObject({ id: 1, ok: true });
}

/** The log lines about clients that were closed, from `where`. */
function clientFaults(where: string): Array<Record<string, unknown>> {
  return shell.logLines().filter((line) => line.msg === 'client connection closed' && line.where === where);
}

/** An upgraded WebSocket connection made of raw bytes, with the right token and origin. */
async function upgradedSocket() {
  const socket = await rawConnect(shell.port);
  const status = await upgrade(
    socket,
    upgradeRequest({ port: shell.port, path: `/ws?token=${shell.token}` }),
  );
  expect(status).toBe('HTTP/1.1 101 Switching Protocols');
  return socket;
}

/** The close code of the first close frame the server sent (unmasked, as servers send them). */
function closeCode(bytes: Buffer): number | undefined {
  for (let at = 0; at + 4 <= bytes.length;) {
    const opcode = bytes[at]! & 0x0f;
    const length = bytes[at + 1]! & 0x7f;
    if (length >= 126) return undefined; // a close frame is small; anything else here is not expected
    if (opcode === wsOpcodes.close) return bytes.readUInt16BE(at + 2);
    at += 2 + length;
  }
  return undefined;
}

describe('the web shell against hostile local clients (child process)', () => {
  it('survives upgrades with a wrong token whose clients reset the connection, every time', async () => {
    for (let attempt = 0; attempt < 10 && !shell.exit; attempt++) {
      const socket = await rawConnect(shell.port);
      socket.write(upgradeRequest({ port: shell.port, path: '/ws?token=wrong' }));
      // A TCP RST (SO_LINGER 0) while the server is writing its 401.
      setImmediate(() => socket.resetAndDestroy());
      await delay(20);
    }
    await delay(300);
    await expectServing();
  });

  it('refuses an upgrade whose path is not a URL (GET //) and goes on serving', async () => {
    const socket = await rawConnect(shell.port);
    const answer = readUntilClosed(socket);
    socket.write(upgradeRequest({ port: shell.port, path: '//' }));
    expect((await answer).toString('latin1')).toMatch(/^HTTP\/1\.1 401 /);
    await expectServing();
  });

  it('closes a WebSocket that sends a frame over maxPayload (1009) and logs it', async () => {
    const socket = await upgradedSocket();
    const answer = readUntilClosed(socket);
    socket.write(wsFrame(wsOpcodes.binary, Buffer.alloc(0), { declaredLength: 2 * 1024 * 1024 }));
    expect(closeCode(await answer)).toBe(1009);
    await delay(200);
    await expectServing();
    expect(clientFaults('web shell websocket')).toContainEqual(
      expect.objectContaining({ code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' }),
    );
  });

  it('closes a WebSocket that sends a text frame of invalid UTF-8 (1007) and logs it', async () => {
    const socket = await upgradedSocket();
    const answer = readUntilClosed(socket);
    socket.write(wsFrame(wsOpcodes.text, Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d])));
    expect(closeCode(await answer)).toBe(1007);
    await delay(200);
    await expectServing();
    expect(clientFaults('web shell websocket')).toContainEqual(
      expect.objectContaining({ code: 'WS_ERR_INVALID_UTF8' }),
    );
  });

  it('cuts the response of a static file that fails to read, and logs it', async () => {
    // broken.js stats as a regular file and fails on its first read (test/support/web-shell-child.ts).
    const socket = await rawConnect(shell.port);
    const answer = readUntilClosed(socket);
    socket.write(`GET /broken.js HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\n\r\n`);
    await answer;
    await delay(200);
    await expectServing();
    expect(shell.logLines()).toContainEqual(
      expect.objectContaining({ msg: 'web shell request failed', path: '/broken.js', code: 'EIO' }),
    );
  });

  it('cuts the response of a thumbnail that fails to read, and logs it without the token', async () => {
    const key = 'ab'.repeat(32);
    const file = createThumbnailer({ cacheDir: join(shell.dataDir, 'thumbnails') }).pathForHash(key);
    mkdirSync(dirname(file), { recursive: true });
    symlinkSync('/proc/self/mem', file);
    const socket = await rawConnect(shell.port);
    const answer = readUntilClosed(socket);
    socket.write(
      `GET /thumbnails/${key}.webp?token=${shell.token} HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\n\r\n`,
    );
    await answer;
    await delay(200);
    await expectServing();
    const lines = shell.logLines();
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'web shell request failed', code: 'EIO' }));
    expect(JSON.stringify(lines)).not.toContain(shell.token);
  });

  it('drops a staging upload whose client resets mid-body: nothing staged, logged', async () => {
    const socket = await rawConnect(shell.port);
    socket.write(
      `PUT /api/staging?name=cut.bin HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\n` +
        `Authorization: Bearer ${shell.token}\r\nContent-Length: 1048576\r\n\r\n`,
    );
    socket.write(Buffer.alloc(64 * 1024, 1));
    await delay(200);
    socket.resetAndDestroy();
    await delay(300);
    await expectServing();
    const stagingDir = join(shell.dataDir, 'staging');
    expect(readdirSync(stagingDir)).toEqual([]);
    expect(shell.logLines()).toContainEqual(
      expect.objectContaining({ msg: 'web shell request failed', path: '/api/staging' }),
    );
  });

  it('answers bytes that are not HTTP with 400 and logs the fault without what they carried', async () => {
    const socket = await rawConnect(shell.port);
    const answer = readUntilClosed(socket);
    socket.write(`\x01\x02 NOT-HTTP /ws?token=${shell.token}\r\n\r\n`);
    expect((await answer).toString('latin1')).toMatch(/^HTTP\/1\.1 400 /);
    await expectServing();
    const faults = clientFaults('web shell');
    expect(faults).toContainEqual(expect.objectContaining({ code: 'HPE_INVALID_METHOD' }));
    expect(JSON.stringify(shell.logLines())).not.toContain(shell.token);
  });
});
