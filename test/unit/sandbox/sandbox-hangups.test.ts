import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presignGet, signRequest, type S3Target } from '../../../main/providers/s3/s3-signing.ts';
import { prng } from '../../support/prng.ts';
import { closedWithin, rawConnect } from '../../support/raw-client.ts';
import { tempDir } from '../../support/temp.ts';

// `npm run sandbox` in a child process, downloading finished tus uploads (and S3 objects, through
// s3rver and the fault proxy) with clients that hang up at random points: a crash shows up as the
// child exiting. Replay a mix with FERRY_SOAK_SEED.

const startScript = fileURLToPath(new URL('../../../main/sandbox/start.ts', import.meta.url));
const seed = Number(process.env.FERRY_SOAK_SEED ?? 20_260_513);

interface TusEndpoint {
  endpoint: string;
  authHeaderName: string;
  authHeaderValue: string;
}

let child: ChildProcess;
let stderr = '';
let exit: { code: number | null; signal: string | null } | undefined;
let tus: TusEndpoint;
let s3: { target: S3Target; keys: { accessKeyId: string; secretAccessKey: string } };

beforeAll(async () => {
  child = spawn(process.execPath, [startScript, '--data-dir', tempDir('ferry-sandbox-hangups-')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.once('exit', (code, signal) => (exit = { code, signal }));
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const endpoints = JSON.parse(line) as { tus: TusEndpoint; s3: Record<string, string> };
  tus = endpoints.tus;
  const { endpoint, region, bucket, accessKeyId, secretAccessKey } = endpoints.s3 as Record<string, string>;
  s3 = {
    target: { endpoint: endpoint!, region: region!, bucket: bucket!, pathStyle: true },
    keys: { accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey! },
  };
});

afterAll(async () => {
  if (exit) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
});

/** A finished tus upload of `bytes` under `name`: its download URL. */
async function tusUpload(name: string, bytes: Buffer): Promise<URL> {
  const auth = { [tus.authHeaderName]: tus.authHeaderValue, 'Tus-Resumable': '1.0.0' };
  const created = await fetch(tus.endpoint, {
    method: 'POST',
    headers: {
      ...auth,
      'Upload-Length': String(bytes.length),
      'Upload-Metadata': `filename ${Buffer.from(name).toString('base64')},filetype ${Buffer.from('image/png').toString('base64')}`,
    },
  });
  expect(created.status).toBe(201);
  const location = new URL(created.headers.get('location')!, tus.endpoint);
  const patched = await fetch(location, {
    method: 'PATCH',
    headers: { ...auth, 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
    body: bytes,
  });
  expect(patched.status).toBe(204);
  return location;
}

/** An object put into the S3 emulator's bucket: its presigned download URL. */
async function s3Upload(key: string, bytes: Buffer): Promise<URL> {
  const signed = signRequest(s3.target, s3.keys, {
    method: 'PUT',
    key,
    headers: { 'Content-Length': String(bytes.length) },
  });
  const { host: _host, Host: _Host, ...headers } = signed.headers;
  const put = await fetch(signed.url, { method: 'PUT', headers, body: bytes });
  expect(put.status).toBe(200);
  return new URL(presignGet(s3.target, s3.keys, key, 3600));
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const openFds = (): number => readdirSync(`/proc/${child.pid}/fd`).length;

type HangUp = 'after-request' | 'after-first-bytes' | 'mid-body' | 'after-whole-answer';
const hangUps: readonly HangUp[] = ['after-request', 'after-first-bytes', 'mid-body', 'after-whole-answer'];

/** One GET over a raw connection that this client ends at `when`, with a reset or a plain close. */
async function download(url: URL, size: number, when: HangUp, reset: boolean, random: () => number) {
  const socket = await rawConnect(Number(url.port));
  const end = (): void => {
    if (reset) socket.resetAndDestroy();
    else socket.destroy();
  };
  socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
  if (when === 'after-request') return end();
  const cutAt = when === 'mid-body' ? Math.floor(random() * size) : 1;
  let received = 0;
  await new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (when !== 'after-whole-answer' && received >= cutAt) {
        end();
        resolve();
      }
    });
    socket.once('close', () => resolve());
  });
  if (when === 'after-whole-answer') await closedWithin(socket, 2000);
  end();
}

describe('the sandbox against clients hanging up on tus and S3 downloads (child process)', () => {
  it('serves 200 downloads cut at random points and is still alive and serving after', async () => {
    const files = [
      { name: 'small.png', bytes: randomBytes(1000) },
      { name: 'report 报告.png', bytes: randomBytes(3000) },
      { name: 'large.bin', bytes: randomBytes(600 * 1024) },
    ];
    const urls = [
      ...(await Promise.all(files.map((file) => tusUpload(file.name, file.bytes)))),
      ...(await Promise.all(files.map((file) => s3Upload(`hangups/${file.name}`, file.bytes)))),
    ];
    files.push(...files);
    for (const [index, url] of urls.entries()) {
      const whole = await fetch(url);
      expect(sha256(new Uint8Array(await whole.arrayBuffer()))).toBe(sha256(files[index]!.bytes));
    }
    await delay(200);
    const fdsBefore = openFds();

    const random = prng(seed);
    const ran: Record<string, number> = {};
    for (let count = 0; count < 200 && !exit; count++) {
      const index = Math.floor(random() * files.length);
      const when = hangUps[Math.floor(random() * hangUps.length)]!;
      ran[when] = (ran[when] ?? 0) + 1;
      await download(urls[index]!, files[index]!.bytes.length, when, random() < 0.5, random);
    }
    await delay(500);
    console.info('sandbox hang-ups', { seed, ran, fdsBefore, fdsAfter: exit ? null : openFds() });

    expect(exit, `the sandbox exited:\n${stderr}`).toBeUndefined();
    for (const [index, url] of urls.entries()) {
      const whole = await fetch(url);
      expect(whole.status).toBe(200);
      expect(sha256(new Uint8Array(await whole.arrayBuffer()))).toBe(sha256(files[index]!.bytes));
    }
    expect(openFds()).toBeLessThanOrEqual(fdsBefore + 4);
    expect(stderr).not.toMatch(/error/i);
  }, 60_000);
});
