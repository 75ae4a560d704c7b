import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { prng } from '../../support/prng.ts';
import {
  closedWithin,
  rawConnect,
  upgrade,
  upgradeRequest,
  wsFrame,
  wsOpcodes,
} from '../../support/raw-client.ts';
import { startWebShellChild, type WebShellChild } from '../../support/web-shell-child.ts';

// A few thousand hostile local connections against `npm run web` in a child process (and a smaller
// mix against the local API it serves when enabled): afterwards the child must still be running,
// answer a page and a contract command, hold about the memory and file descriptors it held before,
// and have cut every connection that never finished its headers. Replay a mix with FERRY_SOAK_SEED.

const seed = Number(process.env.FERRY_SOAK_SEED ?? 20_260_512);

let shell: WebShellChild;

beforeAll(async () => {
  shell = await startWebShellChild();
});

afterAll(async () => {
  await shell.close();
});

/** One contract command over a fresh WebSocket, as the page sends it. */
async function command(name: string, request: unknown): Promise<Record<string, unknown>> {
  const ws = new WebSocket(`${shell.origin.replace('http', 'ws')}/ws?token=${shell.token}`, {
    origin: shell.origin,
  });
  try {
    return await new Promise<Record<string, unknown>>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => ws.send(JSON.stringify({ type: 'command', id: 1, name, request })));
      ws.on('message', (data) => {
        const message = JSON.parse(String(data)) as Record<string, unknown>;
        if (message.type === 'result') resolve(message);
      });
    });
  } finally {
    ws.close();
  }
}

async function expectServing(): Promise<void> {
  expect(shell.exit, `the web shell exited:\n${shell.stderr()}`).toBeUndefined();
  const page = await fetch(`${shell.origin}/`);
  expect(page.status).toBe(200);
  await page.text();
  expect(await command('accounts.list', {})).toMatchObject({ ok: true });
}

type Attack = (port: number, random: () => number) => Promise<void>;

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** End a connection from our side after `ms` unless the server closed it first. */
async function hangUpAfter(socket: Socket, ms: number, reset: boolean): Promise<void> {
  if (!(await closedWithin(socket, ms))) {
    if (reset) socket.resetAndDestroy();
    else socket.destroy();
  }
}

/** Connections that must be cut by the server: they never finish their request head. */
function holdOpen(port: number, trickle: string | null): Promise<{ closedAfterMs: number | null }> {
  return (async () => {
    const opened = Date.now();
    const socket = await rawConnect(port);
    let at = 0;
    const timer =
      trickle === null
        ? undefined
        : setInterval(() => {
            if (!socket.destroyed) socket.write(trickle[at++ % trickle.length]!);
          }, 100);
    const closed = await closedWithin(socket, 15_000);
    clearInterval(timer);
    socket.destroy();
    return { closedAfterMs: closed ? Date.now() - opened : null };
  })();
}

/** Run `count` attacks drawn from `attacks`, `concurrency` at a time; returns how many of each ran. */
async function runAttacks(
  port: number,
  attacks: Record<string, Attack>,
  count: number,
  concurrency: number,
): Promise<Record<string, number>> {
  // Drawn up front, each attack with a generator of its own: the seed replays the same mix whatever
  // order the connections finish in.
  const random = prng(seed);
  const names = Object.keys(attacks);
  const plan = Array.from({ length: count }, () => ({
    name: pick(random, names),
    seed: Math.floor(random() * 2 ** 32),
  }));
  const ran: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
  for (const { name } of plan) ran[name]!++;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let step = plan[next++]; step !== undefined; step = plan[next++]) {
      // The server may close a connection mid-way: expected, and what the soak is about.
      await attacks[step.name]!(port, prng(step.seed)).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ran;
}

/**
 * After a soak: every connection that never finished its head was cut by the server in time; the
 * file descriptors are back; what survives a full collection is about what did before (the JS heap
 * held); and the RSS, which also counts heap V8 keeps reserved after a burst, within a generous bound.
 */
function expectRecovered(figures: {
  cut: Array<{ closedAfterMs: number | null }>;
  before: { rssBytes: number; openFds: number };
  after: { rssBytes: number; openFds: number };
  heapBefore: NodeJS.MemoryUsage;
  heapAfter: NodeJS.MemoryUsage;
  cutWithinMs: number;
}): void {
  const { cut, before, after, heapBefore, heapAfter } = figures;
  expect(cut.filter((c) => c.closedAfterMs === null)).toEqual([]);
  expect(Math.max(...cut.map((c) => c.closedAfterMs!))).toBeLessThan(figures.cutWithinMs);
  expect(after.openFds).toBeLessThanOrEqual(before.openFds + 4);
  expect(heapAfter.heapUsed).toBeLessThan(heapBefore.heapUsed + 8 * 1024 * 1024);
  expect(after.rssBytes).toBeLessThan(before.rssBytes + 96 * 1024 * 1024);
  expect(shell.stderr()).toBe('');
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const httpHead = (port: number, line: string, headers = ''): string =>
  `${line}\r\nHost: 127.0.0.1:${port}\r\n${headers}\r\n`;

describe('the web shell under a soak of hostile connections (child process)', () => {
  it('survives thousands of them, still serves, cuts slow ones, and gives back memory and descriptors', async () => {
    await expectServing();
    const heapBefore = await shell.collectGarbage();
    const before = shell.usage();
    const started = Date.now();

    const tokenPath = `/ws?token=${shell.token}`;
    const attacks: Record<string, Attack> = {
      async resetMidRequest(port, random) {
        const socket = await rawConnect(port);
        const head = httpHead(port, 'GET /index.html HTTP/1.1', 'Accept: */*\r\n');
        socket.write(head.slice(0, 1 + Math.floor(random() * (head.length - 1))));
        await delay(random() * 5);
        socket.resetAndDestroy();
      },
      async garbageBytes(port, random) {
        const socket = await rawConnect(port);
        socket.write(randomBytes(1 + Math.floor(random() * 2000)));
        await hangUpAfter(socket, 300, random() < 0.5);
      },
      async wrongTokenUpgradeThenReset(port) {
        const socket = await rawConnect(port);
        socket.write(upgradeRequest({ port, path: '/ws?token=wrong' }));
        setImmediate(() => socket.resetAndDestroy());
      },
      async garbageFramesAfterUpgrade(port, random) {
        const socket = await rawConnect(port);
        await upgrade(socket, upgradeRequest({ port, path: tokenPath }));
        socket.write(randomBytes(1 + Math.floor(random() * 512)));
        await hangUpAfter(socket, 300, random() < 0.5);
      },
      async oversizedFrame(port, random) {
        const socket = await rawConnect(port);
        await upgrade(socket, upgradeRequest({ port, path: tokenPath }));
        const declaredLength = 1024 * 1024 + 1 + Math.floor(random() * 1e9);
        socket.write(wsFrame(wsOpcodes.binary, Buffer.alloc(16), { declaredLength }));
        await hangUpAfter(socket, 1000, false);
      },
      async invalidUtf8(port) {
        const socket = await rawConnect(port);
        await upgrade(socket, upgradeRequest({ port, path: tokenPath }));
        socket.write(wsFrame(wsOpcodes.text, Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80])));
        await hangUpAfter(socket, 1000, false);
      },
      async resetAfterUpgrade(port) {
        const socket = await rawConnect(port);
        await upgrade(socket, upgradeRequest({ port, path: tokenPath }));
        socket.resetAndDestroy();
      },
      async stagingResetMidBody(port, random) {
        const socket = await rawConnect(port);
        socket.write(
          httpHead(
            port,
            'PUT /api/staging?name=soak.bin HTTP/1.1',
            `Authorization: Bearer ${shell.token}\r\nContent-Length: 1000000\r\n`,
          ),
        );
        socket.write(randomBytes(Math.floor(random() * 64 * 1024)));
        await delay(random() * 20);
        socket.resetAndDestroy();
      },
      async downloadThenReset(port, random) {
        const socket = await rawConnect(port);
        socket.write(
          httpHead(port, `GET ${pick(random, ['/', '/index.html', '/broken.js', '/nope'])} HTTP/1.1`),
        );
        await hangUpAfter(socket, Math.floor(random() * 5), true);
      },
    };

    // Started first, so the server's timeouts are what ends them, while the mix runs.
    const slow = [
      ...Array.from({ length: 40 }, () => holdOpen(shell.port, null)),
      ...Array.from({ length: 20 }, () =>
        holdOpen(shell.port, httpHead(shell.port, 'GET / HTTP/1.1', `X-Pad: ${'a'.repeat(200)}\r\n`)),
      ),
    ];
    const ran = await runAttacks(shell.port, attacks, 3000, 32);
    const cut = await Promise.all(slow);
    const elapsedMs = Date.now() - started;

    await delay(500);
    await expectServing();
    const heapAfter = await shell.collectGarbage();
    const after = shell.usage();
    console.info('web shell soak', {
      seed,
      ran,
      elapsedMs,
      slowestCutMs: Math.max(...cut.map((c) => c.closedAfterMs ?? Infinity)),
      before,
      after,
      heapBefore,
      heapAfter,
    });
    expectRecovered({ cut, before, after, heapBefore, heapAfter, cutWithinMs: 8000 });
  }, 60_000);
  it('serves the local API through a smaller soak: still answers, cuts slow connections, holds no more', async () => {
    const enabled = await command('settings.update', { localApi: { enabled: true, port: await freePort() } });
    expect(enabled).toMatchObject({ ok: true });
    const { localApi } = enabled.response as { localApi: { port: number; secret: string } };
    const heartbeat = async (): Promise<Response> =>
      fetch(`http://127.0.0.1:${localApi.port}/heartbeat?key=${encodeURIComponent(localApi.secret)}`, {
        method: 'POST',
      });
    expect((await heartbeat()).status).toBe(200);
    const heapBefore = await shell.collectGarbage();
    const before = shell.usage();
    const started = Date.now();

    const upload = (key: string, length: number): string =>
      `POST /upload?key=${encodeURIComponent(key)} HTTP/1.1\r\nHost: 127.0.0.1:${localApi.port}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
    const attacks: Record<string, Attack> = {
      async resetMidBody(port, random) {
        const socket = await rawConnect(port);
        socket.write(`${upload(localApi.secret, 4096)}{"list": ["/tmp/`);
        await delay(random() * 10);
        socket.resetAndDestroy();
      },
      async wrongKeyThenReset(port, random) {
        const socket = await rawConnect(port);
        socket.write(`${upload('wrong', 2)}{}`);
        await hangUpAfter(socket, Math.floor(random() * 5), true);
      },
      async garbageBytes(port, random) {
        const socket = await rawConnect(port);
        socket.write(randomBytes(1 + Math.floor(random() * 2000)));
        await hangUpAfter(socket, 300, random() < 0.5);
      },
      async oversizedBody(port, random) {
        const socket = await rawConnect(port);
        socket.write(upload(localApi.secret, 50 * 1024 * 1024));
        socket.write(randomBytes(Math.floor(random() * 128 * 1024)));
        await hangUpAfter(socket, 50, random() < 0.5);
      },
      async headerFlood(port) {
        const socket = await rawConnect(port);
        socket.write(
          `GET /heartbeat HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Flood: ${'x'.repeat(40_000)}\r\n\r\n`,
        );
        await hangUpAfter(socket, 300, false);
      },
    };
    // 30 slow connections plus 16 at a time of the mix stay under the API's 64 connections.
    const slow = [
      ...Array.from({ length: 20 }, () => holdOpen(localApi.port, null)),
      ...Array.from({ length: 10 }, () =>
        holdOpen(
          localApi.port,
          `POST /upload?key=${localApi.secret} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ${'a'.repeat(200)}\r\n`,
        ),
      ),
    ];
    const ran = await runAttacks(localApi.port, attacks, 600, 16);
    const cut = await Promise.all(slow);
    const elapsedMs = Date.now() - started;

    await delay(500);
    expect((await heartbeat()).status).toBe(200);
    await expectServing();
    const heapAfter = await shell.collectGarbage();
    const after = shell.usage();
    console.info('local api soak', {
      seed,
      ran,
      elapsedMs,
      slowestCutMs: Math.max(...cut.map((c) => c.closedAfterMs ?? Infinity)),
      before,
      after,
      heapBefore,
      heapAfter,
    });
    // The local API gives headers 10 s, checked every second.
    expectRecovered({ cut, before, after, heapBefore, heapAfter, cutWithinMs: 13_000 });
  }, 60_000);
});
