import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Transform, pipeline } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { LocalApiController } from '../../main/local-api/local-api-controller.ts';
import { startPicUpEmulator } from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import { createService } from '../../main/service.ts';
import { startWebShell } from '../../main/web/web-shell-server.ts';

/**
 * The web shell with a sandbox the e2e tests control: the Tencent IM emulator behind a loopback
 * proxy that lets request bodies through at `--bytes-per-second` (all uploads together), so an
 * upload lasts long enough to be paused, resumed or cancelled by a test. Run as its own process
 * (like main/web/start.ts) because the service needs Node 24's runtime, not Playwright's loader. It
 * lives outside test/e2e so that it is type-checked with main/ (tsconfig.json), not as browser code.
 */
const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    'bytes-per-second': { type: 'string' },
    concurrency: { type: 'string' },
    /** The first upload is refused by the emulator with this ErrorInfo (code 70001, no retry). */
    'reject-first': { type: 'string' },
  },
});
const dataDir = resolve(values['data-dir'] ?? '.');
const bytesPerSecond = Number(values['bytes-per-second'] ?? '0');

const emulator = await startPicUpEmulator({ storageDir: join(dataDir, 'emulator') });
if (values['reject-first'])
  emulator.injectFault({ kind: 'reject', errorCode: 70001, errorInfo: values['reject-first'] });

/** One shared budget: the bytes every upload together may send per second (0 = no limit). */
let nextFreeAt = Date.now();
function throttle(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (bytesPerSecond <= 0) return done(null, chunk);
      const now = Date.now();
      nextFreeAt = Math.max(nextFreeAt, now) + (chunk.length / bytesPerSecond) * 1000;
      void delay(Math.max(0, nextFreeAt - now)).then(() => done(null, chunk));
    },
  });
}

const proxy = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
  const target = new URL(emulator.baseUrl);
  const forwarded = httpRequest(
    {
      host: target.hostname,
      port: target.port,
      method: incoming.method,
      path: incoming.url,
      headers: { ...incoming.headers, host: target.host },
    },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    },
  );
  forwarded.on('error', () => outgoing.destroy());
  pipeline(incoming, throttle(), forwarded, () => undefined);
});
await new Promise<void>((ready) => proxy.listen(0, '127.0.0.1', ready));
const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

const service = await createService({
  dataDir: join(dataDir, 'app'),
  sandboxEmulator: { baseUrl: proxyUrl, credentials: emulator.credentials },
  localApi: (deps) => new LocalApiController(deps),
  ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
});
const shell = await startWebShell({
  service,
  rendererDir: resolve(import.meta.dirname, '../../out/renderer'),
  port: 0,
});
process.stdout.write(`Ferry web shell (throttled to ${bytesPerSecond} B/s)\nOpen ${shell.url}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await shell.close();
  await service.close();
  proxy.closeAllConnections();
  proxy.close();
  await emulator.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
